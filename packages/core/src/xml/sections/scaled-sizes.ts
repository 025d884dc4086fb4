import { parseStrictInt } from '../element-reader.js';
import { toKiB } from '../units.js';
import { childElements, type XmlElement } from '../xml-node.js';

/**
 * Sizes libvirt stores in KiB and writes back with unit='KiB', by `parent/child` element; the
 * value is the element's text or the named attribute.
 */
const SIZES: Record<string, { attr?: string }> = {
  'hugepages/page': { attr: 'size' },
  'numa/cell': { attr: 'memory' },
  'memtune/hard_limit': {},
  'memtune/soft_limit': {},
  'memtune/swap_hard_limit': {},
  'memtune/min_guarantee': {},
  'target/size': {},
  'target/requested': {},
  'target/current': {},
  'target/block': {},
  'source/pagesize': {},
  'source/alignsize': {},
};

function normalise(el: XmlElement, attr: string | undefined): void {
  const raw = attr === undefined ? el.children.join('').trim() : el.attrs[attr];
  const n = raw === undefined ? undefined : parseStrictInt(raw);
  if (n === undefined || n < 0) return;
  const kib = String(toKiB(n, el.attrs.unit));
  // unit='KiB' goes right after the value attribute, where libvirt writes it.
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(el.attrs)) {
    if (k === 'unit') continue;
    attrs[k] = k === attr ? kib : v;
    if (k === attr) attrs.unit = 'KiB';
  }
  if (attr === undefined) {
    el.attrs = { unit: 'KiB', ...attrs };
    el.children = [kib];
  } else {
    el.attrs = attrs;
  }
}

/** Rewrites every known size below `el` into KiB (virDomainParseMemory and friends). */
export function normaliseSizes(el: XmlElement): void {
  for (const child of childElements(el)) {
    const rule = SIZES[`${el.name}/${child.name}`];
    if (rule) normalise(child, rule.attr);
    normaliseSizes(child);
  }
}
