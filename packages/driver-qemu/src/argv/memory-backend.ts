import { VirtError } from '@virtkit/core';
import { hostNodesFor, memoryBacking, type NumaCell, numaTune } from './memory-backing.js';
import { formatJson, type OptionProps } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';
import { shortDomainName } from './short-name.js';

/** What one backend object backs: the machine's whole RAM, or one guest NUMA cell. */
export interface BackendTarget {
  id: string;
  sizeKiB: number;
  cell?: NumaCell;
}

/** The hugepage size (KiB) for a cell (or the whole guest), or undefined for normal pages. */
function hugepageKiB(ctx: ArgvContext, cellId: number | undefined): number | undefined {
  const backing = memoryBacking(ctx.def);
  if (!backing.hugepages) return undefined;
  const forCell = cellId === undefined ? undefined : backing.pages.find((p) => p.nodes?.includes(cellId));
  const fallback = backing.pages.find((p) => p.nodes === undefined);
  if (forCell || fallback) return (forCell ?? fallback)?.sizeKiB;
  // <hugepages/> naming no size means the host's default; page sizes only for other cells mean none.
  return backing.pages.length === 0 ? ctx.host.hugetlbfs.find((fs) => fs.isDefault)?.sizeKiB : undefined;
}

function hugetlbfsMount(ctx: ArgvContext, sizeKiB: number): string {
  const fs = ctx.host.hugetlbfs.find((mount) => mount.sizeKiB === sizeKiB);
  if (!fs)
    throw new VirtError('INTERNAL_ERROR', `Unable to find any usable hugetlbfs mount for ${sizeKiB} KiB`);
  return fs.mount;
}

/** `share` from the cell's memAccess, else `<memoryBacking><access>`. */
function shareProp(ctx: ArgvContext, cell: NumaCell | undefined): boolean | undefined {
  const access = cell?.memAccess ?? memoryBacking(ctx.def).access;
  return access === undefined ? undefined : access === 'shared';
}

/** Anonymous RAM cannot be shared with another process: an explicit access mode needs a file. */
function fileForSharing(ctx: ArgvContext, cell: NumaCell | undefined): boolean {
  const backing = memoryBacking(ctx.def);
  return backing.source !== 'memfd' && (cell?.memAccess ?? backing.access) !== undefined;
}

/**
 * The `-object memory-backend-*` properties for `target`, in qemuBuildMemoryBackendProps' order:
 * type and path, sharing, preallocation, size, then host NUMA binding.
 */
export function memoryBackendProps(ctx: ArgvContext, target: BackendTarget): OptionProps {
  const backing = memoryBacking(ctx.def);
  const shortName = shortDomainName(ctx.host.id, ctx.def.name);
  const pageKiB = hugepageKiB(ctx, target.cell?.id);
  const systemMemory = target.cell === undefined;
  let typed: OptionProps;
  if (pageKiB !== undefined && backing.source === 'memfd') {
    typed = { 'qom-type': 'memory-backend-memfd', id: target.id, hugetlb: true, hugetlbsize: pageKiB * 1024 };
  } else if (pageKiB !== undefined || backing.source === 'file' || fileForSharing(ctx, target.cell)) {
    const memPath =
      pageKiB === undefined
        ? `${ctx.host.memoryBackingDir}/${shortName}/${target.id}`
        : `${hugetlbfsMount(ctx, pageKiB)}/libvirt/qemu/${shortName}`;
    const discard = target.cell?.discard ?? (backing.discard || undefined);
    typed = {
      'qom-type': 'memory-backend-file',
      id: target.id,
      'mem-path': memPath,
      'discard-data': discard,
    };
  } else {
    const type = backing.source === 'memfd' ? 'memory-backend-memfd' : 'memory-backend-ram';
    typed = { 'qom-type': type, id: target.id };
  }
  const isRam = typed['qom-type'] === 'memory-backend-ram';
  const prealloc = pageKiB !== undefined || backing.immediate;
  return {
    ...typed,
    share: shareProp(ctx, target.cell),
    // Keeps the RAM block's migration id `pc.ram` as without a backend object.
    'x-use-canonical-path-for-ramblock-id': !isRam && systemMemory ? false : undefined,
    prealloc: prealloc || undefined,
    'prealloc-threads': prealloc ? backing.threads : undefined,
    size: target.sizeKiB * 1024,
    ...hostNodesFor(numaTune(ctx.def), target.cell?.id, ctx.host.hostNumaNodes),
  };
}

/**
 * The backend's `-object` options: preallocation bound to host nodes runs in a thread context
 * on those nodes (QEMU 7.2+), which the backend then names.
 */
export function memoryBackendArgs(ctx: ArgvContext, target: BackendTarget): string[] {
  const props = memoryBackendProps(ctx, target);
  const nodes = props['host-nodes'];
  if (!props.prealloc || !Array.isArray(nodes)) return ['-object', formatJson(props)];
  const context = `tc-${target.id}`;
  return [
    '-object',
    formatJson({ 'qom-type': 'thread-context', id: context, 'node-affinity': nodes }),
    '-object',
    formatJson({ ...props, 'prealloc-context': context }),
  ];
}
