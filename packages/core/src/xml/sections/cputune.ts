import { VirtError } from '../../errors/index.js';
import { applyShape } from '../element-shape.js';
import { unsupported, xmlError } from '../xml-errors.js';
import { childElements, cloneElement, type XmlElement } from '../xml-node.js';
import { formatCpuSet, overlaps, parseCpuSet } from './cpu-set.js';

const CPUTUNE_SHAPE = {
  children: [
    'shares',
    'period',
    'quota',
    'global_period',
    'global_quota',
    'emulator_period',
    'emulator_quota',
    'iothread_period',
    'iothread_quota',
    'vcpupin',
    'emulatorpin',
    'iothreadpin',
    'emulatorsched',
    'vcpusched',
    'iothreadsched',
    'cachetune',
    'memorytune',
  ],
};
const CACHETUNE_SHAPE = { children: ['cache', 'monitor'] };
const MEMORYTUNE_SHAPE = { children: ['node', 'monitor'] };

interface ResctrlGroup {
  vcpus: Set<number>;
  caches: { level: string; id: string; type: string }[];
  nodes: Set<string>;
}

function vcpusOf(el: XmlElement): Set<number> {
  return parseCpuSet(el.attrs.vcpus ?? '', `${el.name} vcpus`);
}

/** Monitors may only watch vcpus of their own allocation group. */
function checkMonitors(el: XmlElement, group: ResctrlGroup): void {
  for (const monitor of childElements(el, 'monitor')) {
    const vcpus = vcpusOf(monitor);
    if ([...vcpus].some((v) => !group.vcpus.has(v))) {
      throw new VirtError('INVALID_ARG', 'Monitor vcpus conflicts with allocation', { domain: 'DOMAIN' });
    }
  }
}

function addCachetune(el: XmlElement, groups: ResctrlGroup[]): void {
  const vcpus = vcpusOf(el);
  if (groups.some((g) => overlaps(g.vcpus, vcpus))) throw xmlError('Overlapping vcpus in cachetunes');
  const group: ResctrlGroup = { vcpus, caches: [], nodes: new Set() };
  for (const cache of childElements(el, 'cache')) {
    const { level = '', id = '', type = '' } = cache.attrs;
    const collides = group.caches.some(
      (c) => c.level === level && c.id === id && (c.type === type || c.type === 'both' || type === 'both'),
    );
    if (collides) {
      throw xmlError(`Colliding cache allocations for cache level '${level}' id '${id}', type '${type}'`);
    }
    group.caches.push({ level, id, type });
  }
  checkMonitors(el, group);
  groups.push(group);
}

function addMemorytune(el: XmlElement, groups: ResctrlGroup[]): void {
  const vcpus = vcpusOf(el);
  // A memorytune over exactly a cachetune's vcpus shares that allocation group.
  let group = groups.find((g) => g.vcpus.size === vcpus.size && [...vcpus].every((v) => g.vcpus.has(v)));
  if (!group) {
    if (groups.some((g) => overlaps(g.vcpus, vcpus))) throw xmlError('Overlapping vcpus in memorytunes');
    group = { vcpus, caches: [], nodes: new Set() };
    groups.push(group);
  }
  for (const node of childElements(el, 'node')) {
    const id = node.attrs.id ?? '';
    if (group.nodes.has(id)) throw xmlError(`Memory Bandwidth already defined for node ${id}`);
    group.nodes.add(id);
  }
  checkMonitors(el, group);
}

/** What `<cputune>` is checked against: the domain's vcpu count and iothread ids. */
export interface CputuneContext {
  maxVcpus: number;
  iothreadIds: Set<number>;
}

/** Limits a group's vcpus to the domain's; false when none remain (libvirt then skips the group). */
function clampVcpus(el: XmlElement, maxVcpus: number): boolean {
  const vcpus = new Set([...vcpusOf(el)].filter((v) => v < maxVcpus));
  if (vcpus.size > 0) el.attrs.vcpus = formatCpuSet(vcpus);
  return vcpus.size > 0;
}

/**
 * vcpusched/iothreadsched: sets must not overlap and must name existing iothreads; libvirt keeps one
 * scheduler per thread and writes them back one element per thread, in id order.
 */
function splitSchedulers(out: XmlElement, name: 'vcpusched' | 'iothreadsched', ctx: CputuneContext): void {
  const attr = name === 'vcpusched' ? 'vcpus' : 'iothreads';
  const perThread = new Map<number, XmlElement>();
  for (const sched of childElements(out, name)) {
    const { [attr]: members = '', ...settings } = sched.attrs;
    for (const id of parseCpuSet(members, `${name} ${attr}`)) {
      if (name === 'iothreadsched' && !ctx.iothreadIds.has(id))
        throw unsupported(`Cannot find 'iothread' : ${id}`);
      if (perThread.has(id))
        throw new VirtError('XML_DETAIL', `'${name}' attributes '${attr}' must not overlap`);
      perThread.set(id, { name, attrs: { [attr]: String(id), ...settings }, children: [] });
    }
  }
  const first = out.children.findIndex((c) => typeof c !== 'string' && c.name === name);
  if (first === -1) return;
  const others = out.children.filter((c) => typeof c === 'string' || c.name !== name);
  const sorted = [...perThread.entries()].sort(([a], [b]) => a - b).map(([, el]) => el);
  out.children = [...others.slice(0, first), ...sorted, ...others.slice(first)];
}

/** Checks and normalises `<cputune>` as libvirt's parser does, in canonical order. */
export function parseCputune(el: XmlElement, ctx: CputuneContext): XmlElement {
  const out = cloneElement(el);
  const groups: ResctrlGroup[] = [];
  out.children = out.children.filter((child) => {
    if (typeof child === 'string' || (child.name !== 'cachetune' && child.name !== 'memorytune')) return true;
    if (!clampVcpus(child, ctx.maxVcpus)) return false;
    child.children = child.children.filter(
      (m) => typeof m === 'string' || m.name !== 'monitor' || clampVcpus(m, ctx.maxVcpus),
    );
    if (child.name === 'cachetune') {
      addCachetune(child, groups);
      applyShape(child, CACHETUNE_SHAPE);
    } else {
      addMemorytune(child, groups);
      applyShape(child, MEMORYTUNE_SHAPE);
    }
    return true;
  });
  splitSchedulers(out, 'vcpusched', ctx);
  splitSchedulers(out, 'iothreadsched', ctx);
  return applyShape(out, CPUTUNE_SHAPE);
}
