import type { FormatFlags, GenericDeviceDef, ParseFlags } from '../domain-def.js';
import { ElementReader } from '../element-reader.js';
import { cloneElement, isElement, type XmlChild, type XmlElement } from '../xml-node.js';
import { normaliseRngBackend } from './chr-backed.js';
import { formatDeviceInfo, parseDeviceInfo } from './device-info.js';

/** The device-info elements parseDeviceInfo models; others (rom, acpi, …) stay as written. */
const INFO_NAMES = new Set(['boot', 'alias', 'address']);

/**
 * Any device without a bespoke model (filesystem, hostdev, sound, memballoon, rng, tpm, …): kept as
 * the element it was, with the common device info parsed so drivers can address it.
 */
export function parseGenericDevice(el: XmlElement, flags: ParseFlags): GenericDeviceDef {
  const info = parseDeviceInfo(new ElementReader(el), flags);
  const element = cloneElement(el);
  if (el.name === 'rng') {
    element.children = element.children.map((c) =>
      isElement(c) && c.name === 'backend' ? normaliseRngBackend(c, flags) : c,
    );
  }
  return { kind: 'generic', element, info };
}

/** Writes the element back with its device info (boot, alias, address) re-formatted in place. */
export function formatGenericDevice(dev: GenericDeviceDef, flags: FormatFlags): XmlElement {
  const pending = new Map(formatDeviceInfo(dev.info, flags).map((e) => [e.name, e]));
  const children: XmlChild[] = [];
  for (const child of dev.element.children) {
    if (!isElement(child) || !INFO_NAMES.has(child.name)) {
      children.push(typeof child === 'string' ? child : cloneElement(child));
      continue;
    }
    const replacement = pending.get(child.name);
    if (replacement) children.push(replacement);
    pending.delete(child.name);
  }
  children.push(...pending.values());
  return { name: dev.element.name, attrs: { ...dev.element.attrs }, children };
}
