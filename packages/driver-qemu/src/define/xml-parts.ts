import type { XmlChild, XmlElement, XmlRest } from '@virtkit/core';

/** The text of an element, trimmed (`<loader>PATH</loader>`); empty for none. */
export function textOf(el: XmlElement | undefined): string {
  return (el?.children ?? [])
    .filter((c): c is string => typeof c === 'string')
    .join('')
    .trim();
}

/** The first child element named `name`. */
export function childOf(el: XmlRest | XmlElement | undefined, name: string): XmlElement | undefined {
  const children: readonly XmlChild[] = el?.children ?? [];
  return children.find((c): c is XmlElement => typeof c !== 'string' && c.name === name);
}
