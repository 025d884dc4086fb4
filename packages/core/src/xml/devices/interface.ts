import { randomBytes } from 'node:crypto';
import type { FormatFlags, InterfaceDef, ParseFlags } from '../domain-def.js';
import { ElementReader } from '../element-reader.js';
import { shapedElement } from '../element-shape.js';
import { parseMac } from '../mac.js';
import { element, type XmlElement } from '../xml-node.js';
import { DEVICE_INFO_CHILDREN, formatDeviceInfo, parseDeviceInfo } from './device-info.js';

const INTERFACE_SHAPE = {
  attrs: ['type', 'trustGuestRxFilters'],
  children: [
    'mac',
    'source',
    'vlan',
    'virtualport',
    'ip',
    'route',
    'script',
    'downscript',
    'backenddomain',
    'target',
    'guest',
    'model',
    'driver',
    'backend',
    'filterref',
    'tune',
    'teaming',
    'link',
    'mtu',
    'bandwidth',
    'coalesce',
    'port',
    ...DEVICE_INFO_CHILDREN,
  ],
};
const MAC_SHAPE = { attrs: ['address', 'type', 'check'] };
const SOURCE_SHAPE = {
  attrs: [
    'network',
    'portgroup',
    'portid',
    'bridge',
    'dev',
    'mode',
    'type',
    'path',
    'address',
    'port',
    'name',
  ],
};
const TARGET_SHAPE = { attrs: ['dev', 'managed'] };

/** A MAC in QEMU/KVM's 52:54:00 range, as libvirt generates for an interface without one. */
export function generateMac(): string {
  const tail = [...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'));
  return ['52', '54', '00', ...tail].join(':');
}

export function parseInterface(el: XmlElement, flags: ParseFlags): InterfaceDef {
  const r = new ElementReader(el);
  const type = r.requireAttr('type');
  const m = r.childReader('mac');
  const address = m?.attr('address');
  const mac = address === undefined ? generateMac() : parseMac(address);
  const s = r.childReader('source');
  const source = s && { ...s.el.attrs };
  for (const k of Object.keys(source ?? {})) s?.attr(k);
  const t = r.childReader('target');
  const targetDev = t?.attr('dev');
  const model = r.child('model')?.attrs.type;
  const info = parseDeviceInfo(r, flags);
  return {
    kind: 'interface',
    type,
    mac,
    macRest: m?.rest(),
    source,
    sourceRest: s?.rest(),
    model,
    // A generated tap name (vnetN) belongs to the running guest only.
    targetDev: flags.inactive && targetDev?.startsWith('vnet') ? undefined : targetDev,
    targetRest: t?.rest(),
    info,
    rest: r.rest(),
  };
}

export function formatInterface(net: InterfaceDef, flags: FormatFlags): XmlElement {
  const target =
    (net.targetDev !== undefined || net.targetRest) &&
    shapedElement(TARGET_SHAPE, 'target', { dev: net.targetDev }, [], net.targetRest);
  return shapedElement(
    INTERFACE_SHAPE,
    'interface',
    { type: net.type },
    [
      shapedElement(MAC_SHAPE, 'mac', { address: net.mac }, [], net.macRest),
      net.source && shapedElement(SOURCE_SHAPE, 'source', net.source, [], net.sourceRest),
      target,
      net.model !== undefined && element('model', { type: net.model }),
      ...formatDeviceInfo(net.info, flags),
    ],
    net.rest,
  );
}
