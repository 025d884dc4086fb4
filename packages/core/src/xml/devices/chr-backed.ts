import type { ChrBackedDeviceDef, FormatFlags, ParseFlags } from '../domain-def.js';
import { ElementReader } from '../element-reader.js';
import { shapedElement } from '../element-shape.js';
import { element, type XmlElement } from '../xml-node.js';
import { formatChrSource, parseChrSource, validateChrSource } from './chr-source.js';
import { DEVICE_INFO_CHILDREN, formatDeviceInfo, parseDeviceInfo } from './device-info.js';

const SHAPES = {
  smartcard: {
    attrs: ['mode', 'type'],
    children: ['certificate', 'database', 'source', 'protocol', 'log', ...DEVICE_INFO_CHILDREN],
  },
  redirdev: { attrs: ['bus', 'type'], children: ['source', 'protocol', 'log', ...DEVICE_INFO_CHILDREN] },
} as const;

/** Whether this smartcard/redirdev is backed by a character device. */
function hasChrBackend(el: XmlElement): boolean {
  return el.name === 'redirdev' || el.attrs.mode === 'passthrough';
}

export function parseChrBacked(el: XmlElement, flags: ParseFlags): ChrBackedDeviceDef {
  const r = new ElementReader(el);
  const kind = el.name as ChrBackedDeviceDef['kind'];
  const type = r.attr('type');
  let source: ChrBackedDeviceDef['source'];
  if (hasChrBackend(el)) {
    source = parseChrSource(r, type ?? 'pty', flags);
    validateChrSource(source);
  }
  const attrs: Record<string, string> = {};
  for (const name of SHAPES[kind].attrs) {
    const value = name === 'type' ? undefined : r.attr(name);
    if (value !== undefined) attrs[name] = value;
  }
  if (!source && type !== undefined) attrs.type = type;
  const info = parseDeviceInfo(r, flags);
  return { kind, attrs, source, info, rest: r.rest() };
}

export function formatChrBacked(dev: ChrBackedDeviceDef, flags: FormatFlags): XmlElement {
  const attrs = dev.source ? { ...dev.attrs, type: dev.source.type } : dev.attrs;
  const sources = dev.source ? formatChrSource(dev.source, flags) : [];
  return shapedElement(
    SHAPES[dev.kind],
    dev.kind,
    attrs,
    [...sources, ...formatDeviceInfo(dev.info, flags)],
    dev.rest,
  );
}

/** An rng's egd backend is a character device: normalise and check it like one. */
export function normaliseRngBackend(backend: XmlElement, flags: ParseFlags): XmlElement {
  if (backend.attrs.model !== 'egd') return backend;
  const r = new ElementReader(backend);
  r.attr('model');
  const source = parseChrSource(r, r.attr('type') ?? 'pty', flags);
  validateChrSource(source);
  return element('backend', { model: 'egd', type: source.type }, formatChrSource(source, flags), r.rest());
}
