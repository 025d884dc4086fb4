import { childElement, childElements, type DomainDef, toKiB } from '@virtkit/core';
import { parseNodeSet } from './node-set.js';
import { unsupported } from './unsupported.js';

/** `<memoryBacking>`: how guest RAM is backed on the host. */
export interface MemoryBacking {
  hugepages: boolean;
  /** `<hugepages><page size nodeset>`, sizes in KiB; a page without nodeset is the default. */
  pages: { sizeKiB: number; nodes?: number[] }[];
  source?: string;
  access?: string;
  /** `<allocation mode='immediate'>`: RAM is preallocated at start. */
  immediate: boolean;
  threads?: number;
  discard: boolean;
  locked: boolean;
}

/** `<numatune>`: host nodes guest memory is bound to, globally and per guest cell. */
export interface NumaTune {
  memory?: NumaTuneRule;
  memnodes: Map<number, NumaTuneRule>;
}

export interface NumaTuneRule {
  mode: string;
  nodes?: number[];
  placement?: string;
}

const topLevel = (def: DomainDef, name: string) => childElement(def.rest, name);

export function memoryBacking(def: DomainDef): MemoryBacking {
  const el = topLevel(def, 'memoryBacking');
  const one = (name: string) => childElement(el, name);
  const hugepages = one('hugepages');
  const allocation = one('allocation')?.attrs;
  return {
    hugepages: hugepages !== undefined,
    pages: childElements(hugepages, 'page').map(({ attrs }) => ({
      sizeKiB: toKiB(Number(attrs.size), attrs.unit ?? 'KiB'),
      ...(attrs.nodeset !== undefined && { nodes: parseNodeSet(attrs.nodeset) }),
    })),
    source: one('source')?.attrs.type,
    access: one('access')?.attrs.mode,
    immediate: allocation?.mode === 'immediate',
    threads: allocation?.threads === undefined ? undefined : Number(allocation.threads),
    discard: one('discard') !== undefined,
    locked: one('locked') !== undefined,
  };
}

function tuneRule(attrs: Record<string, string>): NumaTuneRule {
  return {
    mode: attrs.mode ?? 'strict',
    ...(attrs.nodeset !== undefined && { nodes: parseNodeSet(attrs.nodeset) }),
    ...(attrs.placement !== undefined && { placement: attrs.placement }),
  };
}

export function numaTune(def: DomainDef): NumaTune {
  const el = topLevel(def, 'numatune');
  const memory = childElement(el, 'memory');
  return {
    ...(memory && { memory: tuneRule(memory.attrs) }),
    memnodes: new Map(
      childElements(el, 'memnode').map(({ attrs }) => [Number(attrs.cellid), tuneRule(attrs)]),
    ),
  };
}

/** A guest NUMA cell (`<cpu><numa><cell>`). */
export interface NumaCell {
  id: number;
  cpus: number[];
  /** Rounded up to whole MiB, as libvirt aligns every cell of an x86 guest. */
  memoryKiB: number;
  memAccess?: string;
  discard?: boolean;
}

const ALIGN_KIB = 1024;
export const alignKiB = (kib: number): number => Math.ceil(kib / ALIGN_KIB) * ALIGN_KIB;

export function numaCells(def: DomainDef): NumaCell[] {
  const numa = childElement(def.cpu?.rest, 'numa');
  return childElements(numa, 'cell').map(({ attrs }, index) => ({
    id: attrs.id === undefined ? index : Number(attrs.id),
    cpus: attrs.cpus === undefined ? [] : parseNodeSet(attrs.cpus),
    memoryKiB: alignKiB(toKiB(Number(attrs.memory), attrs.unit ?? 'KiB')),
    ...(attrs.memAccess !== undefined && { memAccess: attrs.memAccess }),
    ...(attrs.discard !== undefined && { discard: attrs.discard === 'yes' }),
  }));
}

/** QEMU's names for numatune modes; `restrictive` binds through cgroups only, so QEMU gets none. */
const POLICIES: Record<string, string | undefined> = {
  strict: 'bind',
  preferred: 'preferred',
  interleave: 'interleave',
  restrictive: undefined,
};

/**
 * The host nodes and policy for memory of guest cell `cellId` (undefined: the guest has no
 * cells), refusing nodes the host lacks as qemuProcessPrepareDomainNUMAPlacement does.
 */
export function hostNodesFor(
  tune: NumaTune,
  cellId: number | undefined,
  hostNodes: readonly number[],
): { 'host-nodes'?: number[]; policy?: string } {
  const rule = (cellId === undefined ? undefined : tune.memnodes.get(cellId)) ?? tune.memory;
  if (!rule) return {};
  const nodes = rule.placement === 'auto' ? [...hostNodes] : rule.nodes;
  const missing = nodes?.find((n) => !hostNodes.includes(n));
  if (missing !== undefined) throw unsupported(`NUMA node ${missing} is unavailable`);
  const policy = POLICIES[rule.mode];
  if (!nodes || policy === undefined) return {};
  return { 'host-nodes': nodes, policy };
}
