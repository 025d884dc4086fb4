import type { DeviceAddress, DeviceInfo, FormatFlags, ParseFlags } from '../domain-def.js';
import { ElementReader } from '../element-reader.js';
import { applyShape, type ElementShape } from '../element-shape.js';
import { element, type XmlElement } from '../xml-node.js';

/** libvirt's attribute order per address type. */
const ADDRESS_ATTRS: Record<string, readonly string[]> = {
  pci: ['type', 'domain', 'bus', 'slot', 'function', 'multifunction'],
  drive: ['type', 'controller', 'bus', 'target', 'unit'],
  'virtio-serial': ['type', 'controller', 'bus', 'port'],
  ccid: ['type', 'controller', 'slot'],
  usb: ['type', 'bus', 'port'],
  isa: ['type', 'iobase', 'irq'],
  dimm: ['type', 'slot', 'base'],
};

/** PCI coordinates are written in hex with fixed widths (virPCIDeviceAddressFormat). */
const PCI_WIDTHS: Record<string, number> = { domain: 4, bus: 2, slot: 2, function: 1 };

function normalisePciAttr(name: string, value: string): string {
  const width = PCI_WIDTHS[name];
  if (width === undefined) return value;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? `0x${n.toString(16).padStart(width, '0')}` : value;
}

export function parseAddress(el: XmlElement): DeviceAddress {
  const r = new ElementReader(el);
  const type = r.requireAttr('type');
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(el.attrs)) {
    if (k === 'type') continue;
    r.attr(k);
    attrs[k] = type === 'pci' ? normalisePciAttr(k, v) : v;
  }
  return { type, attrs, rest: r.rest() };
}

export function formatAddress(address: DeviceAddress): XmlElement {
  const shape: ElementShape = { attrs: ADDRESS_ATTRS[address.type] ?? ['type'] };
  return applyShape(element('address', { type: address.type, ...address.attrs }, [], address.rest), shape);
}

/** User aliases survive an inactive parse; runtime ones do not. */
function keepAlias(alias: string | undefined, inactive: boolean | undefined): string | undefined {
  if (alias === undefined) return undefined;
  return !inactive || alias.startsWith('ua-') ? alias : undefined;
}

/** Reads `<boot>`, `<alias>` and `<address>` from a device element (virDomainDeviceInfoParseXML). */
export function parseDeviceInfo(r: ElementReader, flags: ParseFlags): DeviceInfo {
  const info: DeviceInfo = {};
  const boot = r.child('boot');
  if (boot) {
    const b = new ElementReader(boot);
    info.bootOrder = b.uint('order');
    info.bootLoadParm = b.attr('loadparm');
  }
  const alias = r.child('alias');
  info.alias = keepAlias(alias?.attrs.name, flags.inactive);
  const address = r.child('address');
  if (address) info.address = parseAddress(address);
  return info;
}

/** The elements virDomainDeviceInfoFormat writes, in its order. */
export function formatDeviceInfo(info: DeviceInfo, flags: FormatFlags): XmlElement[] {
  const out: XmlElement[] = [];
  if (info.bootOrder !== undefined) {
    out.push(element('boot', { order: info.bootOrder, loadparm: info.bootLoadParm }));
  }
  const alias = keepAlias(info.alias, flags.inactive);
  if (alias !== undefined) out.push(element('alias', { name: alias }));
  if (info.address) out.push(formatAddress(info.address));
  return out;
}

/** Child names of the device-info block, for device shapes. */
export const DEVICE_INFO_CHILDREN = ['boot', 'alias', 'master', 'acpi', 'rom', 'address'] as const;
