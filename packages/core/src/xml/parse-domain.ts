import { VirtError } from '../errors/index.js';
import { DEVICE_ORDER, hasDeviceBootOrder, parseDevice, postParseDevices } from './devices/devices.js';
import {
  type DomainDef,
  LIFECYCLE_ACTIONS,
  type LifecycleAction,
  type ParseFlags,
  type VirtType,
} from './domain-def.js';
import { isKnownTopLevel } from './domain-shape.js';
import { ElementReader } from './element-reader.js';
import { parseClock } from './sections/clock.js';
import { parseCpu } from './sections/cpu.js';
import { parseCputune } from './sections/cputune.js';
import { parseFeatures } from './sections/features.js';
import { parseMemory, parseVcpu } from './sections/memory.js';
import { parseOs } from './sections/os.js';
import { normaliseSizes } from './sections/scaled-sizes.js';
import { generateUuid, parseUuid } from './uuid.js';
import { validateDomain } from './validate-domain.js';
import { unsupported, xmlError } from './xml-errors.js';
import { childElements, cloneElement, textContent, type XmlElement } from './xml-node.js';
import { readXml } from './xml-reader.js';

export const VIRT_TYPES: readonly VirtType[] = [
  'qemu',
  'kqemu',
  'kvm',
  'xen',
  'lxc',
  'uml',
  'openvz',
  'test',
  'vmware',
  'hyperv',
  'vbox',
  'phyp',
  'vz',
  'bhyve',
  'ch',
];

function parseLifecycle(r: ElementReader, name: string, fallback: LifecycleAction): LifecycleAction {
  const text = r.childText(name);
  if (text === undefined) return fallback;
  if (!(LIFECYCLE_ACTIONS as readonly string[]).includes(text)) {
    throw xmlError(`Invalid value for element '${name}': '${text}'`);
  }
  return text as LifecycleAction;
}

function parseName(r: ElementReader): string {
  const name = r.childText('name');
  if (!name) throw new VirtError('NO_NAME', undefined, { domain: 'DOMAIN' });
  if (name.includes('/')) throw xmlError(`name ${name} cannot contain '/'`);
  return name;
}

/** The domain's iothread ids: those listed in `<iothreadids>`, then the lowest free up to `<iothreads>`. */
function iothreadIds(top: XmlElement[]): Set<number> {
  const listed = top.find((c) => c.name === 'iothreadids');
  const ids = new Set(listed ? childElements(listed).map((c) => Number(c.attrs.id)) : []);
  const countEl = top.find((c) => c.name === 'iothreads');
  const count = countEl ? Number(textContent(countEl).trim()) || 0 : 0;
  for (let id = 1; ids.size < count; id++) ids.add(id);
  return ids;
}

function parseDevices(devicesEl: XmlElement | undefined, flags: ParseFlags, osType: string) {
  if (!devicesEl) return { emulator: undefined, devices: [] };
  const r = new ElementReader(devicesEl);
  const emulator = r.childText('emulator');
  const devices = childElements(devicesEl)
    // libvirt ignores elements it does not know.
    .filter((el) => (DEVICE_ORDER as readonly string[]).includes(el.name))
    .map((el) => parseDevice(el, flags, osType));
  return { emulator, devices };
}

/**
 * Parses domain XML into the typed model, applying libvirt's generic post-parse defaults
 * (virDomainDefParse + virDomainDefPostParse + virDomainDefValidate, driver-neutral parts).
 */
export function parseDomainXml(xml: string, flags: ParseFlags = {}): DomainDef {
  const root = readXml(xml, 'domain_definition');
  if (root.name !== 'domain') throw xmlError(`expecting root element of 'domain', not '${root.name}'`);
  const r = new ElementReader(root);
  const type = r.attr('type') as VirtType | undefined;
  if (type === undefined) throw xmlError("Missing required attribute 'type' in element 'domain'");
  // virDomainDefParseXML: an unknown hypervisor type is a configuration libvirt does not support
  if (!VIRT_TYPES.includes(type)) throw unsupported(`invalid domain type ${type}`);
  const id = r.int('id');
  const name = parseName(r);
  const uuidText = r.childText('uuid');
  const os = parseOs(r.child('os'), flags);
  const cpuEl = r.child('cpu');
  const featuresEl = r.child('features');
  const { emulator, devices } = parseDevices(r.child('devices'), flags, os.type);
  const def: DomainDef = {
    type,
    id: flags.inactive || id === undefined || id < 0 ? undefined : id,
    name,
    uuid: uuidText ? parseUuid(uuidText) : generateUuid(),
    title: r.childText('title', false),
    description: r.childText('description', false),
    metadata: r.child('metadata'),
    memory: parseMemory(r.child('memory'), r.child('currentMemory'), r.child('maxMemory')),
    vcpu: parseVcpu(r.child('vcpu')),
    os,
    features: featuresEl && parseFeatures(featuresEl),
    cpu: cpuEl && parseCpu(cpuEl),
    clock: parseClock(r.child('clock')),
    onPoweroff: parseLifecycle(r, 'on_poweroff', 'destroy'),
    onReboot: parseLifecycle(r, 'on_reboot', 'restart'),
    onCrash: parseLifecycle(r, 'on_crash', 'destroy'),
    emulator,
    devices,
  };
  const rest = r.rest();
  if (rest && Object.keys(rest.attrs).length > 0) def.rootRest = { attrs: rest.attrs, children: [] };
  // Unknown top-level elements are dropped, as libvirt does.
  const kept = rest?.children.filter((c) => isKnownTopLevel(c.name)) ?? [];
  if (kept.length > 0) {
    def.rest = {
      attrs: {},
      children: kept.map((c) =>
        c.name === 'cputune'
          ? parseCputune(c, { maxVcpus: def.vcpu.count, iothreadIds: iothreadIds(kept) })
          : cloneElement(c),
      ),
    };
  }
  postParseDomain(def);
  validateDomain(def);
  return def;
}

/** Generic post-parse: default boot device, devices' implied controllers and numbering, sizes in KiB. */
function postParseDomain(def: DomainDef): void {
  if (def.os.type === 'hvm' && def.os.bootDevices.length === 0 && !hasDeviceBootOrder(def.devices)) {
    def.os.bootDevices = ['hd'];
  }
  postParseDevices(def.devices, def.os.type);
  const generic = [...(def.rest?.children ?? []), ...(def.cpu?.rest?.children ?? [])];
  for (const dev of def.devices) if (dev.kind === 'generic') generic.push(dev.element);
  for (const el of generic) normaliseSizes(el);
}
