import { decodeEntities, VirtError } from '@virtkit/core';

/**
 * The root of a scanned document, or one of its children. An element's text is kept raw, so a
 * domain among thousands is only parsed in full (and its XML checked) when it is first used.
 */
export interface ScannedElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** The element as written, from `<` to the end of its end tag. */
  readonly text: string;
  /**
   * The text of the first `<field>` of each name asked for, entities decoded; '' for an empty
   * one (`<test:transient/>`), absent when there is none. Taken as the element's own child:
   * libvirt writes `name` and `uuid` first, and the `test:` extras are the domain's own.
   */
  readonly fields: ReadonlyMap<string, string>;
}

export interface ScannedDocument {
  readonly root: ScannedElement;
  readonly children: readonly ScannedElement[];
}

const ATTR = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
function parseAttrs(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of source.matchAll(ATTR)) attrs[m[1] as string] = decodeEntities(m[2] ?? m[3] ?? '');
  return attrs;
}

interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  /** Offsets of `<` and just past `>`. */
  start: number;
  end: number;
}

/** Markup skipped whole: comments, CDATA, processing instructions, the doctype. */
const SKIPPED: readonly [string, string][] = [
  ['<!--', '-->'],
  ['<![CDATA[', ']]>'],
  ['<?', '?>'],
  ['<!', '>'],
];

const NAME_END = /[\s/>]/g;

function quotesOpen(xml: string, from: number, to: number): boolean {
  let quote = 0;
  for (let i = from; i < to; i++) {
    const c = xml.charCodeAt(i);
    if (quote === 0 && (c === 34 || c === 39)) quote = c;
    else if (c === quote) quote = 0;
  }
  return quote !== 0;
}

/** The next start or end tag from `from`; a `>` inside a quoted attribute value does not end it. */
function nextTag(xml: string, from: number): Tag | undefined {
  let start = xml.indexOf('<', from);
  for (
    let c = xml.charCodeAt(start + 1);
    start !== -1 && (c === 33 || c === 63);
    c = xml.charCodeAt(start + 1)
  ) {
    const [open, close] = SKIPPED.find(([o]) => xml.startsWith(o, start)) as [string, string];
    const closeAt = xml.indexOf(close, start + open.length);
    if (closeAt === -1) return undefined;
    start = xml.indexOf('<', closeAt + close.length);
  }
  if (start === -1) return undefined;
  const closing = xml.charCodeAt(start + 1) === 47;
  const nameStart = closing ? start + 2 : start + 1;
  NAME_END.lastIndex = nameStart;
  const nameEnd = NAME_END.exec(xml)?.index ?? xml.length;
  let gt = xml.indexOf('>', nameEnd);
  while (gt !== -1 && quotesOpen(xml, nameEnd, gt)) gt = xml.indexOf('>', gt + 1);
  if (gt === -1) return undefined;
  const selfClosing = !closing && xml.charCodeAt(gt - 1) === 47;
  return { name: xml.slice(nameStart, nameEnd), closing, selfClosing, start, end: gt + 1 };
}

/** Whether `<name` at `at` opens an element of that name (not one whose name merely starts so). */
function opensAt(xml: string, at: number, name: string): boolean {
  const next = xml.charCodeAt(at + 1 + name.length);
  return next === 32 || next === 62 || next === 47 || next === 9 || next === 10 || next === 13;
}

/**
 * Scans an XML document: the root, and each of its children down to its matching end tag,
 * without tokenizing inside (libvirt's test driver reads a node file of thousands of domains).
 * `fieldNames` are the children whose text is wanted (a domain's `name`, `uuid`, …). Errors
 * read like libxml2's: "SOURCE:LINE: message".
 */
export function scanXml(xml: string, source: string, fieldNames: readonly string[]): ScannedDocument {
  const fail = (offset: number, message: string): never => {
    throw new VirtError('XML_DETAIL', `${source}:${lineAt(xml, offset)}: ${message}`, { domain: 'XML' });
  };
  const element = (open: Tag, end: number): ScannedElement => {
    const text = xml.slice(open.start, end);
    return {
      name: open.name,
      attrs: parseAttrs(xml.slice(open.start + 1 + open.name.length, open.end - 1)),
      text,
      fields: readFields(text, open.end - open.start, fieldNames),
    };
  };
  const first = nextTag(xml, 0);
  if (first === undefined || first.closing) return fail(xml.length, 'Document is empty');
  const children: ScannedElement[] = [];
  let rootEnd = first.end;
  if (!first.selfClosing) {
    for (let tag = nextTag(xml, first.end); ; tag = nextTag(xml, rootEnd)) {
      if (tag === undefined) return fail(xml.length, `Premature end of data in tag ${first.name} line 1`);
      if (tag.closing) {
        if (tag.name !== first.name) {
          fail(
            tag.start,
            `Opening and ending tag mismatch: ${first.name} line ${lineAt(xml, first.start)} and ${tag.name}`,
          );
        }
        rootEnd = tag.end;
        break;
      }
      const end = tag.selfClosing ? tag.end : matchingEnd(xml, tag, fail);
      children.push(element(tag, end));
      rootEnd = end;
    }
  }
  if (nextTag(xml, rootEnd) !== undefined) fail(rootEnd, 'Extra content at the end of the document');
  return { root: element(first, rootEnd), children };
}

/** Just past the end tag that closes `open`, counting nested elements of the same name. */
function matchingEnd(xml: string, open: Tag, fail: (offset: number, message: string) => never): number {
  const closeTag = `</${open.name}>`;
  let depth = 1;
  let from = open.end;
  for (;;) {
    const close = xml.indexOf(closeTag, from);
    if (close === -1)
      return fail(xml.length, `Premature end of data in tag ${open.name} line ${lineAt(xml, open.start)}`);
    for (let nested = xml.indexOf(`<${open.name}`, from); nested !== -1 && nested < close; ) {
      const tag = nextTag(xml, nested);
      if (opensAt(xml, nested, open.name) && tag && !tag.selfClosing) depth++;
      nested = xml.indexOf(`<${open.name}`, nested + 1);
    }
    depth--;
    from = close + closeTag.length;
    if (depth === 0) return from;
  }
}

/** The fields of one element, searched in its own text (from `from`, past its start tag). */
function readFields(xml: string, from: number, names: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (const name of names) {
    let at = xml.indexOf(`<${name}`, from);
    while (at !== -1 && !opensAt(xml, at, name)) at = xml.indexOf(`<${name}`, at + 1);
    if (at === -1) continue;
    const tag = nextTag(xml, at) as Tag;
    if (tag.selfClosing) {
      fields.set(name, '');
      continue;
    }
    const close = xml.indexOf(`</${name}>`, tag.end);
    fields.set(name, decodeEntities(xml.slice(tag.end, close === -1 ? tag.end : close)));
  }
  return fields;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
