import type { FormatFlags, InputDef, ParseFlags } from '../domain-def.js';
import { ElementReader } from '../element-reader.js';
import { shapedElement } from '../element-shape.js';
import type { XmlElement } from '../xml-node.js';
import { DEVICE_INFO_CHILDREN, formatDeviceInfo, parseDeviceInfo } from './device-info.js';

const INPUT_SHAPE = {
  attrs: ['type', 'bus', 'model'],
  children: ['source', 'driver', ...DEVICE_INFO_CHILDREN],
};

/** The bus libvirt picks for an input without one, from the guest's OS type. */
function defaultBus(type: string, osType: string): string | undefined {
  if (osType === 'hvm') {
    if (type === 'mouse' || type === 'keyboard') return 'ps2';
    if (type === 'tablet') return 'usb';
    return undefined;
  }
  if ((osType === 'xen' || osType === 'xenpvh') && (type === 'mouse' || type === 'keyboard')) return 'xen';
  return undefined;
}

export function parseInput(el: XmlElement, flags: ParseFlags, osType: string): InputDef {
  const r = new ElementReader(el);
  const type = r.requireAttr('type');
  const bus = r.attr('bus') ?? defaultBus(type, osType);
  const info = parseDeviceInfo(r, flags);
  return { kind: 'input', type, bus, info, rest: r.rest() };
}

export function formatInput(input: InputDef, flags: FormatFlags): XmlElement {
  return shapedElement(
    INPUT_SHAPE,
    'input',
    { type: input.type, bus: input.bus },
    formatDeviceInfo(input.info, flags),
    input.rest,
  );
}
