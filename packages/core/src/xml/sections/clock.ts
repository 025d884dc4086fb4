import type { ClockDef } from '../domain-def.js';
import { ElementReader } from '../element-reader.js';
import { shapedElement } from '../element-shape.js';
import type { XmlElement } from '../xml-node.js';

const CLOCK_SHAPE = { attrs: ['offset', 'timezone', 'adjustment', 'basis', 'start'], children: ['timer'] };
const OFFSETS = ['utc', 'localtime', 'timezone', 'variable', 'absolute'] as const;

export function parseClock(el: XmlElement | undefined): ClockDef {
  if (!el) return { offset: 'utc' };
  const r = new ElementReader(el);
  return { offset: r.enumAttr('offset', OFFSETS) ?? 'utc', rest: r.rest() };
}

export function formatClock(clock: ClockDef): XmlElement {
  return shapedElement(CLOCK_SHAPE, 'clock', { offset: clock.offset }, [], clock.rest);
}
