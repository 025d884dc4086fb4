/** A generic XML element: the faithful representation for parts the typed model does not cover. */
export interface XmlElement {
  name: string;
  /** Attributes in document order (JS keeps insertion order for string keys). */
  attrs: Record<string, string>;
  /** Child elements and text, in document order. */
  children: XmlChild[];
}

export type XmlChild = XmlElement | string;

/** What a typed object did not consume from its element: kept so it can be written back. */
export interface XmlRest {
  attrs: Record<string, string>;
  children: XmlElement[];
}

export function isElement(child: XmlChild): child is XmlElement {
  return typeof child !== 'string';
}

/** Whatever holds child nodes: an element, or the rest a typed object kept. */
export interface XmlParent {
  readonly children: readonly XmlChild[];
}

/** The child elements of `el` (none when it is absent); only those named `name` when given. */
export function childElements(el: XmlParent | undefined, name?: string): XmlElement[] {
  return (el?.children ?? []).filter(
    (c): c is XmlElement => isElement(c) && (name === undefined || c.name === name),
  );
}

/** The first child element of `el` named `name`. */
export function childElement(el: XmlParent | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c): c is XmlElement => isElement(c) && c.name === name);
}

/** Concatenated text content of an element (direct text children only). */
export function textContent(el: XmlElement): string {
  return el.children.filter((c): c is string => typeof c === 'string').join('');
}

export type AttrValue = string | number | boolean | undefined;
export type ChildValue = XmlChild | undefined | false | null;

/** Builds an element, skipping undefined attributes/children; booleans become yes/no. */
export function element(
  name: string,
  attrs: Record<string, AttrValue> = {},
  children: ChildValue[] = [],
  rest?: XmlRest,
): XmlElement {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
  }
  const kids = children.filter((c): c is XmlChild => c !== undefined && c !== false && c !== null);
  if (rest) {
    Object.assign(out, rest.attrs);
    kids.push(...rest.children);
  }
  return { name, attrs: out, children: kids };
}

/** `<name>text</name>`, or undefined when there is no text. */
export function textElement(
  name: string,
  text: AttrValue,
  attrs: Record<string, AttrValue> = {},
): XmlElement | undefined {
  if (text === undefined) return undefined;
  return element(name, attrs, [typeof text === 'boolean' ? (text ? 'yes' : 'no') : String(text)]);
}

export function cloneElement(el: XmlElement): XmlElement {
  return {
    name: el.name,
    attrs: { ...el.attrs },
    children: el.children.map((c) => (typeof c === 'string' ? c : cloneElement(c))),
  };
}
