import type { XmlElement } from './xml-node.js';

const ESCAPES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  "'": '&apos;',
  '"': '&quot;',
};

/** libvirt's virBufferEscapeString: the same escaping for attribute values and text. */
export function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => ESCAPES[c] ?? c);
}

/** libvirt writes these with separate open and close tags even when empty. */
const ALWAYS_BLOCK = new Set(['devices']);

/** How libxml2's xmlNodeDump escapes: quotes only inside (double-quoted) attributes. */
function escapeLibxml2(value: string, attribute: boolean): string {
  return value.replace(attribute ? /[<>&"]/g : /[<>&]/g, (c) => ESCAPES[c] ?? c);
}

function openTag(el: XmlElement, libxml2: boolean): string {
  let out = `<${el.name}`;
  for (const [k, v] of Object.entries(el.attrs)) {
    out += libxml2 ? ` ${k}="${escapeLibxml2(v, true)}"` : ` ${k}='${escapeXml(v)}'`;
  }
  return out;
}

/**
 * Writes an element the way libvirt's formatters do: two-space indentation, single-quoted
 * attributes, `<x/>` when empty, text inline. Whitespace-only text between elements is layout,
 * not content, and is regenerated.
 */
export function writeElement(el: XmlElement, indent = 0, out: string[] = [], libxml2 = false): string[] {
  const pad = ' '.repeat(indent);
  // libvirt dumps <metadata> content through libxml2 rather than its own formatter.
  const childStyle = libxml2 || el.name === 'metadata';
  const elements = el.children.filter((c) => typeof c !== 'string');
  const text = el.children.filter((c): c is string => typeof c === 'string').join('');
  if (elements.length === 0 && !ALWAYS_BLOCK.has(el.name)) {
    out.push(
      text === ''
        ? `${pad}${openTag(el, libxml2)}/>`
        : `${pad}${openTag(el, libxml2)}>${libxml2 ? escapeLibxml2(text, false) : escapeXml(text)}</${el.name}>`,
    );
    return out;
  }
  out.push(`${pad}${openTag(el, libxml2)}>`);
  for (const child of el.children) {
    if (typeof child === 'string') {
      if (child.trim() !== '') out.push(`${pad}  ${escapeXml(child.trim())}`);
    } else {
      writeElement(child, indent + 2, out, childStyle);
    }
  }
  out.push(`${pad}</${el.name}>`);
  return out;
}

export function writeXml(el: XmlElement): string {
  return `${writeElement(el).join('\n')}\n`;
}
