import {
  childElement,
  type DomainDef,
  formatCpuSet,
  parseCpuSet,
  textContent,
  toKiB,
  VirtError,
  type XmlElement,
} from '@virtkit/core';

/** libvirt's VIR_DOMAIN_MEMORY_PARAM_UNLIMITED (KiB): a limit at or above it means "no limit". */
export const MEMORY_UNLIMITED_KIB = 2 ** 53 - 1;

/** What a container's cgroup is told, from its definition; absent = not set in the XML. */
export interface CgroupTune {
  /** `<memory>`: libvirt LXC always caps the container's memory at it. */
  readonly memoryKiB: number;
  readonly hardLimitKiB?: number;
  readonly softLimitKiB?: number;
  readonly swapHardLimitKiB?: number;
  readonly cpuShares?: number;
  readonly cpuPeriod?: number;
  readonly cpuQuota?: number;
  readonly cpusetCpus?: string;
  readonly cpusetMems?: string;
  readonly blkioWeight?: number;
}

function integer(el: XmlElement | undefined, path: string, signed = false): number | undefined {
  if (el === undefined) return undefined;
  const raw = textContent(el).trim();
  const n = (signed ? /^-?\d+$/ : /^\d+$/).test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw new VirtError('XML_ERROR', `Invalid value '${raw}' for element '${path}'`, { domain: 'DOMAIN' });
  return n;
}

function sizeKiB(el: XmlElement | undefined, path: string): number | undefined {
  const n = integer(el, path);
  return n === undefined || el === undefined
    ? undefined
    : Math.min(toKiB(n, el.attrs.unit), MEMORY_UNLIMITED_KIB);
}

/** Normalises a bitmap as libvirt's virBitmapFormat writes it (what cgroups read back, too). */
function bitmap(value: string | undefined, what: string): string | undefined {
  return value === undefined ? undefined : formatCpuSet(parseCpuSet(value, what));
}

/**
 * The cgroup settings of `def` (libvirt's virLXCCgroupSetup*Tune): <memory>, <memtune>, <cputune>
 * shares/period/quota, <vcpu cpuset> unless placement is auto, <numatune><memory nodeset> in strict
 * mode (the default), <blkiotune><weight>. A zero shares/period/quota/weight means "not set" there.
 */
export function cgroupTuneOf(def: DomainDef): CgroupTune {
  const memtune = childElement(def.rest, 'memtune');
  const cputune = childElement(def.rest, 'cputune');
  const numaMemory = childElement(childElement(def.rest, 'numatune'), 'memory');
  const blkiotune = childElement(def.rest, 'blkiotune');
  const nonZero = (n: number | undefined) => (n === 0 ? undefined : n);
  const tune: Record<string, number | string | undefined> = {
    memoryKiB: def.memory.memoryKiB,
    hardLimitKiB: sizeKiB(childElement(memtune, 'hard_limit'), 'memtune/hard_limit'),
    softLimitKiB: sizeKiB(childElement(memtune, 'soft_limit'), 'memtune/soft_limit'),
    swapHardLimitKiB: sizeKiB(childElement(memtune, 'swap_hard_limit'), 'memtune/swap_hard_limit'),
    cpuShares: nonZero(integer(childElement(cputune, 'shares'), 'cputune/shares')),
    cpuPeriod: nonZero(integer(childElement(cputune, 'period'), 'cputune/period')),
    cpuQuota: nonZero(integer(childElement(cputune, 'quota'), 'cputune/quota', true)),
    cpusetCpus: def.vcpu.placement === 'auto' ? undefined : bitmap(def.vcpu.cpuset, 'vcpu cpuset'),
    cpusetMems:
      numaMemory && (numaMemory.attrs.mode ?? 'strict') === 'strict' && numaMemory.attrs.placement !== 'auto'
        ? bitmap(numaMemory.attrs.nodeset, 'numatune nodeset')
        : undefined,
    blkioWeight: nonZero(integer(childElement(blkiotune, 'weight'), 'blkiotune/weight')),
  };
  for (const key of Object.keys(tune)) if (tune[key] === undefined) delete tune[key];
  return tune as unknown as CgroupTune;
}
