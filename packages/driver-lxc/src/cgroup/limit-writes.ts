import { VirtError } from '@virtkit/core';
import { type CgroupTune, MEMORY_UNLIMITED_KIB } from './cgroup-tune.js';

/** One setting: the first of `files` that exists in the controller's directory gets its value. */
export interface LimitWrite {
  /** The v1 controller whose hierarchy holds the files (v2 has them all in one directory). */
  readonly controller: 'memory' | 'cpu' | 'cpuset' | 'blkio';
  /** Alternatives in order of preference (bfq's weight before cfq's). */
  readonly files: readonly { readonly file: string; readonly value: string }[];
  /** The error when none of the files exists; without it, the first file's write fails as libvirt's does. */
  readonly missing?: VirtError;
}

const CFS_PERIOD = { min: 1000, max: 1000000 };
/** The kernel's max_cfs_quota_period in µs (ULLONG_MAX / NSEC_PER_USEC); beyond a double's precision. */
const CFS_QUOTA_MAX = 18446744073709551n;
const V2_WEIGHT = { min: 1, max: 10000 };

function one(controller: LimitWrite['controller'], file: string, value: string | number): LimitWrite {
  return { controller, files: [{ file, value: String(value) }] };
}

function invalidArg(detail: string): VirtError {
  return new VirtError('INVALID_ARG', detail, { domain: 'CGROUP' });
}

/** vircgroup's range checks on the CFS bandwidth values (the kernel's own limits). */
function checkCfs(tune: CgroupTune): void {
  const { cpuPeriod: period, cpuQuota: quota } = tune;
  if (period !== undefined && (period < CFS_PERIOD.min || period > CFS_PERIOD.max))
    throw invalidArg(`cfs_period '${period}' must be in range (${CFS_PERIOD.min}, ${CFS_PERIOD.max})`);
  if (quota !== undefined && quota !== -1 && (quota < 1000 || BigInt(quota) > CFS_QUOTA_MAX))
    throw invalidArg(`cfs_quota '${quota}' must be in range (1000, ${CFS_QUOTA_MAX})`);
}

function blkioWeight(weight: number, version: 1 | 2): LimitWrite {
  const files =
    version === 1
      ? [
          { file: 'blkio.bfq.weight', value: String(weight) },
          { file: 'blkio.weight', value: String(weight) },
        ]
      : [
          { file: 'io.bfq.weight', value: String(weight) },
          { file: 'io.weight', value: `default ${weight}` },
        ];
  const what = version === 1 ? 'blkio device weight' : 'blkio weight';
  return {
    controller: 'blkio',
    files,
    missing: new VirtError('OPERATION_INVALID', `${what} is valid only for bfq or cfq scheduler`, {
      domain: 'CGROUP',
    }),
  };
}

/**
 * The files written, in order, to apply `tune` (libvirt's order: memory, hard, soft, swap; shares,
 * period, quota; cpus, mems; blkio weight). The hard limit, when given, overrides <memory>.
 */
export function limitWrites(tune: CgroupTune, version: 1 | 2): LimitWrite[] {
  checkCfs(tune);
  const bytes = (kib: number) => (kib >= MEMORY_UNLIMITED_KIB ? (version === 1 ? '-1' : 'max') : kib * 1024);
  const writes: LimitWrite[] = [];
  const limitFile = version === 1 ? 'memory.limit_in_bytes' : 'memory.max';
  writes.push(one('memory', limitFile, bytes(tune.memoryKiB)));
  if (tune.hardLimitKiB !== undefined) writes.push(one('memory', limitFile, bytes(tune.hardLimitKiB)));
  if (tune.softLimitKiB !== undefined)
    writes.push(
      one('memory', version === 1 ? 'memory.soft_limit_in_bytes' : 'memory.high', bytes(tune.softLimitKiB)),
    );
  if (tune.swapHardLimitKiB !== undefined)
    writes.push(
      one(
        'memory',
        version === 1 ? 'memory.memsw.limit_in_bytes' : 'memory.swap.max',
        bytes(tune.swapHardLimitKiB),
      ),
    );
  if (tune.cpuShares !== undefined) {
    // libvirt 9.0 writes shares into cpu.weight unconverted, refusing what v2 cannot hold.
    if (version === 2 && (tune.cpuShares < V2_WEIGHT.min || tune.cpuShares > V2_WEIGHT.max))
      throw invalidArg(`shares '${tune.cpuShares}' must be in range [${V2_WEIGHT.min}, ${V2_WEIGHT.max}]`);
    writes.push(one('cpu', version === 1 ? 'cpu.shares' : 'cpu.weight', tune.cpuShares));
  }
  const quotaText = (q: number) => (q === -1 ? (version === 1 ? '-1' : 'max') : String(q));
  if (version === 1) {
    if (tune.cpuPeriod !== undefined) writes.push(one('cpu', 'cpu.cfs_period_us', tune.cpuPeriod));
    if (tune.cpuQuota !== undefined) writes.push(one('cpu', 'cpu.cfs_quota_us', quotaText(tune.cpuQuota)));
  } else if (tune.cpuPeriod !== undefined || tune.cpuQuota !== undefined) {
    // cpu.max is "<quota> <period>"; a fresh cgroup's quota is max, its period the kernel's default.
    const quota = tune.cpuQuota === undefined ? 'max' : quotaText(tune.cpuQuota);
    writes.push(one('cpu', 'cpu.max', tune.cpuPeriod === undefined ? quota : `${quota} ${tune.cpuPeriod}`));
  }
  if (tune.cpusetCpus !== undefined) writes.push(one('cpuset', 'cpuset.cpus', tune.cpusetCpus));
  if (tune.cpusetMems !== undefined) writes.push(one('cpuset', 'cpuset.mems', tune.cpusetMems));
  if (tune.blkioWeight !== undefined) writes.push(blkioWeight(tune.blkioWeight, version));
  return writes;
}

/**
 * libvirt LXC's device ACL (virLXCCgroupSetupDeviceACL) for the v1 devices controller: deny all,
 * then allow the nodes the container's /dev holds (null zero full random urandom, tty console
 * ptmx, fuse) and every pty (136:*), all rwm. v2 would need a BPF program: not done there.
 */
export const DEVICE_ACL: readonly string[] = [
  'c 1:3 rwm',
  'c 1:5 rwm',
  'c 1:7 rwm',
  'c 1:8 rwm',
  'c 1:9 rwm',
  'c 5:0 rwm',
  'c 5:1 rwm',
  'c 5:2 rwm',
  'c 10:229 rwm',
  'c 136:* rwm',
];
