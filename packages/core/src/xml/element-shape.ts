import { type AttrValue, type ChildValue, element, type XmlElement, type XmlRest } from './xml-node.js';

/** libvirt's order of attributes and child elements for one element kind. */
export interface ElementShape {
  attrs?: readonly string[];
  children?: readonly string[];
}

/**
 * Stable-sorts items by their name's position in `order`. A name the order does not know keeps
 * its place right after whatever precedes it, so unmodelled content stays where it was written.
 */
export function orderByName<T>(items: T[], nameOf: (item: T) => string, order: readonly string[]): T[] {
  let previous = -1;
  const ranked = items.map((item, index) => {
    const known = order.indexOf(nameOf(item));
    const rank = known === -1 ? previous : known;
    previous = rank;
    return { item, rank, index };
  });
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return ranked.map((r) => r.item);
}

/** Applies a shape to an element: canonical attribute and child order. */
export function applyShape(el: XmlElement, shape: ElementShape): XmlElement {
  if (shape.attrs) {
    const entries = orderByName(Object.entries(el.attrs), ([k]) => k, shape.attrs);
    el.attrs = Object.fromEntries(entries);
  }
  if (shape.children) {
    el.children = orderByName(el.children, (c) => (typeof c === 'string' ? '#text' : c.name), shape.children);
  }
  return el;
}

/** `element()` followed by `applyShape()`: how typed formatters build their output. */
export function shapedElement(
  shape: ElementShape,
  name: string,
  attrs: Record<string, AttrValue>,
  children: ChildValue[],
  rest?: XmlRest,
): XmlElement {
  return applyShape(element(name, attrs, children, rest), shape);
}
