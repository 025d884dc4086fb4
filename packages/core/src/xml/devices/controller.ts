import type { ControllerDef, FormatFlags, ParseFlags } from '../domain-def.js';
import { ElementReader } from '../element-reader.js';
import { shapedElement } from '../element-shape.js';
import type { XmlElement } from '../xml-node.js';
import { DEVICE_INFO_CHILDREN, formatDeviceInfo, parseDeviceInfo } from './device-info.js';

const CONTROLLER_SHAPE = {
  attrs: ['type', 'index', 'model', 'ports', 'vectors', 'maxGrantFrames', 'maxEventChannels'],
  children: ['model', 'target', 'driver', 'pcihole64', ...DEVICE_INFO_CHILDREN],
};

/** Index -1 marks "not given"; the domain post-parse numbers these. */
export const UNASSIGNED_INDEX = -1;

export function parseController(el: XmlElement, flags: ParseFlags): ControllerDef {
  const r = new ElementReader(el);
  const type = r.attr('type') ?? 'ide';
  const index = r.uint('index') ?? UNASSIGNED_INDEX;
  const model = r.attr('model');
  const info = parseDeviceInfo(r, flags);
  return { kind: 'controller', type, index, model, info, rest: r.rest() };
}

export function formatController(c: ControllerDef, flags: FormatFlags): XmlElement {
  return shapedElement(
    CONTROLLER_SHAPE,
    'controller',
    { type: c.type, index: c.index, model: c.model },
    formatDeviceInfo(c.info, flags),
    c.rest,
  );
}

/** Gives controllers without an index the lowest unused index of their type. */
export function assignControllerIndexes(controllers: readonly ControllerDef[]): void {
  for (const c of controllers) {
    if (c.index !== UNASSIGNED_INDEX) continue;
    const used = new Set(controllers.filter((o) => o.type === c.type).map((o) => o.index));
    let index = 0;
    while (used.has(index)) index++;
    c.index = index;
  }
}
