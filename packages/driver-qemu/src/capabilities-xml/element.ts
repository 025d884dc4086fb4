import { element, writeXml, type XmlElement } from '@virtkit/core';

/** Core's `element`, children listed inline: undefined attributes and false/undefined children left out. */
export function el(
  name: string,
  attrs: Record<string, string | number | undefined> = {},
  ...children: (XmlElement | string | false | undefined)[]
): XmlElement {
  return element(name, attrs, children);
}

/** libvirt's `<enum name=…>` of allowed values. */
export function enumOf(name: string, values: readonly string[]): XmlElement {
  return el('enum', { name }, ...values.map((value) => el('value', {}, value)));
}

/** An element written as libvirt writes it, each line indented by `indent` spaces. */
export function writeIndented(node: XmlElement, indent: number): string {
  const pad = ' '.repeat(indent);
  return writeXml(node)
    .split('\n')
    .map((line) => (line === '' ? line : `${pad}${line}`))
    .join('\n');
}
