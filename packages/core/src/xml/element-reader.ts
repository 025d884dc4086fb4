import { invalidAttr, missingAttr } from './xml-errors.js';
import { isElement, textContent, type XmlElement, type XmlRest } from './xml-node.js';

/**
 * Reads one element for a typed object and remembers what was consumed, so whatever the typed
 * model does not cover is kept as `rest()` and written back unchanged.
 */
export class ElementReader {
  private readonly usedAttrs = new Set<string>();
  private readonly usedChildren = new Set<XmlElement>();

  constructor(readonly el: XmlElement) {}

  attr(name: string): string | undefined {
    this.usedAttrs.add(name);
    return this.el.attrs[name];
  }

  requireAttr(name: string): string {
    const value = this.attr(name);
    if (value === undefined) throw missingAttr(name, this.el.name);
    return value;
  }

  enumAttr<T extends string>(name: string, values: readonly T[]): T | undefined {
    const value = this.attr(name);
    if (value === undefined) return undefined;
    if (!(values as readonly string[]).includes(value)) throw invalidAttr(name, this.el.name, value);
    return value as T;
  }

  uint(name: string): number | undefined {
    const value = this.attr(name);
    if (value === undefined) return undefined;
    const n = parseStrictInt(value);
    if (n === undefined || n < 0)
      throw invalidAttr(name, this.el.name, value, 'Expected non-negative integer value');
    return n;
  }

  int(name: string): number | undefined {
    const value = this.attr(name);
    if (value === undefined) return undefined;
    const n = parseStrictInt(value);
    if (n === undefined) throw invalidAttr(name, this.el.name, value, 'Expected integer value');
    return n;
  }

  /** virTristateBool: 'yes' | 'no'. */
  yesNo(name: string): boolean | undefined {
    const value = this.enumAttr(name, ['yes', 'no'] as const);
    return value === undefined ? undefined : value === 'yes';
  }

  /** virTristateSwitch: 'on' | 'off'. */
  onOff(name: string): boolean | undefined {
    const value = this.enumAttr(name, ['on', 'off'] as const);
    return value === undefined ? undefined : value === 'on';
  }

  child(name: string): XmlElement | undefined {
    const found = this.el.children.find((c): c is XmlElement => isElement(c) && c.name === name);
    if (found) this.usedChildren.add(found);
    return found;
  }

  /** A reader for the first child `name`, if there is one. */
  childReader(name: string): ElementReader | undefined {
    const c = this.child(name);
    return c && new ElementReader(c);
  }

  children(name: string): XmlElement[] {
    const found = this.el.children.filter((c): c is XmlElement => isElement(c) && c.name === name);
    for (const c of found) this.usedChildren.add(c);
    return found;
  }

  /** Text of the first child `name`, trimmed unless `trim` is false (libvirt keeps titles verbatim). */
  childText(name: string, trim = true): string | undefined {
    const c = this.child(name);
    if (c === undefined) return undefined;
    return trim ? textContent(c).trim() : textContent(c);
  }

  text(): string {
    return textContent(this.el).trim();
  }

  rest(): XmlRest | undefined {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.el.attrs)) if (!this.usedAttrs.has(k)) attrs[k] = v;
    const children = this.el.children.filter(
      (c): c is XmlElement => isElement(c) && !this.usedChildren.has(c),
    );
    if (children.length === 0 && Object.keys(attrs).length === 0) return undefined;
    return { attrs, children };
  }
}

export function parseStrictInt(value: string): number | undefined {
  const trimmed = value.trim();
  if (!/^[+-]?(0x[0-9a-fA-F]+|\d+)$/.test(trimmed)) return undefined;
  const negative = trimmed.startsWith('-');
  const body = trimmed.replace(/^[+-]/, '');
  const n = Number(body);
  return Number.isSafeInteger(n) ? (negative ? -n : n) : undefined;
}
