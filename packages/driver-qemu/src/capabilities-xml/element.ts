import { writeXml, type XmlElement } from '@virtkit/core';

type Child = XmlElement | string | false | undefined;

/** An element with its attributes (undefined ones left out) and children (falsy ones left out). */
export function el(
  name: string,
  attrs: Record<string, string | number | undefined> = {},
  ...children: Child[]
): XmlElement {
  const defined = Object.entries(attrs).filter(
    (entry): entry is [string, string | number] => entry[1] !== undefined,
  );
  return {
    name,
    attrs: Object.fromEntries(defined.map(([k, v]) => [k, String(v)])),
    children: children.filter((c): c is XmlElement | string => c !== false && c !== undefined),
  };
}

/** libvirt's `<enum name=…>` of allowed values. */
export function enumOf(name: string, values: readonly string[]): XmlElement {
  return el('enum', { name }, ...values.map((value) => el('value', {}, value)));
}

/** An element written as libvirt writes it, each line indented by `indent` spaces. */
export function writeIndented(element: XmlElement, indent: number): string {
  const pad = ' '.repeat(indent);
  return writeXml(element)
    .split('\n')
    .map((line) => (line === '' ? line : `${pad}${line}`))
    .join('\n');
}
