import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { VirtError } from '../errors/index.js';
import type { XmlChild, XmlElement } from './xml-node.js';

const ATTRS = ':@';
const CDATA = '#cdata';

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** Decodes XML's predefined entities and character references. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (!ref.startsWith('#')) return NAMED_ENTITIES[ref] ?? whole;
    const code = ref.startsWith('#x') ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    // An out-of-range reference is left as written rather than failing the whole document.
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Entities are decoded here (decodeEntities) so character references work and CDATA stays literal.
  processEntities: false,
  cdataPropName: CDATA,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type OrderedNode = Record<string, unknown>;

function convert(node: OrderedNode): XmlChild | undefined {
  if ('#text' in node) return decodeEntities(String(node['#text']));
  if (CDATA in node) {
    return ((node[CDATA] as OrderedNode[]) ?? []).map((t) => String(t['#text'] ?? '')).join('');
  }
  const name = Object.keys(node).find((k) => k !== ATTRS);
  if (name === undefined || name.startsWith('?') || name === '#comment') return undefined;
  const attrs: Record<string, string> = {};
  const rawAttrs = node[ATTRS] as Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(rawAttrs ?? {})) attrs[k] = decodeEntities(String(v));
  const children: XmlChild[] = [];
  for (const child of (node[name] as OrderedNode[] | undefined) ?? []) {
    const converted = convert(child);
    if (converted !== undefined) children.push(converted);
  }
  return { name, attrs, children };
}

/**
 * Parses an XML document into its root element. Malformed input raises libvirt's XML_DETAIL
 * error, "(<what>):LINE: message", as libxml2 reports it through virXMLParse.
 */
export function readXml(xml: string, what: string): XmlElement {
  const check = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (check !== true) {
    throw new VirtError('XML_DETAIL', `(${what}):${check.err.line}: ${check.err.msg}`, { domain: 'XML' });
  }
  let parsed: OrderedNode[];
  try {
    parsed = parser.parse(xml) as OrderedNode[];
  } catch (cause) {
    throw new VirtError('XML_DETAIL', `(${what}):1: ${(cause as Error).message}`, { domain: 'XML', cause });
  }
  const roots = parsed.map(convert).filter((c): c is XmlElement => c !== undefined && typeof c !== 'string');
  const [root, extra] = roots;
  if (!root) throw new VirtError('XML_DETAIL', `(${what}):1: Document is empty`, { domain: 'XML' });
  if (extra) {
    throw new VirtError('XML_DETAIL', `(${what}):1: Extra content at the end of the document`, {
      domain: 'XML',
    });
  }
  return root;
}
