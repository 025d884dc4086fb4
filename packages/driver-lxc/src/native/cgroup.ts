import { escapeXml, formatCpuSet, parseCpuSet, VirtError } from '@virtkit/core';
import { type LxcConfigEntry, lastValue } from './config.js';

const kib = (bytes: string, key: string): number => {
  if (!/^\d+$/.test(bytes))
    throw new VirtError('INTERNAL_ERROR', `failed to parse integer: '${bytes}' (${key})`);
  return Math.floor(Number(bytes) / 1024);
};

/** Memory limits: `<memtune>` XML and the hard limit (which becomes the domain's memory). */
export function memtune(entries: LxcConfigEntry[]): { xml: string; hardKiB?: number } {
  const hard = lastValue(entries, 'lxc.cgroup.memory.limit_in_bytes');
  const soft = lastValue(entries, 'lxc.cgroup.memory.soft_limit_in_bytes');
  const swap = lastValue(entries, 'lxc.cgroup.memory.memsw.limit_in_bytes');
  let inner = '';
  const hardKiB = hard !== undefined ? kib(hard, 'limit_in_bytes') : undefined;
  if (hardKiB !== undefined) inner += `  <hard_limit unit='KiB'>${hardKiB}</hard_limit>\n`;
  if (soft !== undefined)
    inner += `  <soft_limit unit='KiB'>${kib(soft, 'soft_limit_in_bytes')}</soft_limit>\n`;
  if (swap !== undefined)
    inner += `  <swap_hard_limit unit='KiB'>${kib(swap, 'memsw.limit_in_bytes')}</swap_hard_limit>\n`;
  return {
    xml: inner ? `<memtune>\n${inner}</memtune>\n` : '',
    ...(hardKiB !== undefined ? { hardKiB } : {}),
  };
}

/** `<cputune>` from cpu.shares, cfs_period_us, cfs_quota_us. */
export function cputune(entries: LxcConfigEntry[]): string {
  const shares = lastValue(entries, 'lxc.cgroup.cpu.shares');
  const period = lastValue(entries, 'lxc.cgroup.cpu.cfs_period_us');
  const quota = lastValue(entries, 'lxc.cgroup.cpu.cfs_quota_us');
  let inner = '';
  if (shares !== undefined) inner += `  <shares>${escapeXml(shares)}</shares>\n`;
  if (period !== undefined) inner += `  <period>${escapeXml(period)}</period>\n`;
  if (quota !== undefined) inner += `  <quota>${escapeXml(quota)}</quota>\n`;
  return inner ? `<cputune>\n${inner}</cputune>\n` : '';
}

/** cpuset.cpus (vcpu cpuset attribute) and cpuset.mems (`<numatune>`). */
export function cpuset(entries: LxcConfigEntry[]): { cpus?: string; numatune: string } {
  const cpus = lastValue(entries, 'lxc.cgroup.cpuset.cpus');
  const mems = lastValue(entries, 'lxc.cgroup.cpuset.mems');
  const numatune =
    mems !== undefined
      ? `<numatune>\n  <memory mode='strict' nodeset='${escapeXml(canonicalBitmap(mems, 'lxc.cgroup.cpuset.mems'))}'/>\n</numatune>\n`
      : '';
  return {
    ...(cpus !== undefined ? { cpus: canonicalBitmap(cpus, 'lxc.cgroup.cpuset.cpus') } : {}),
    numatune,
  };
}

interface BlkDev {
  weight?: string;
  read_iops_sec?: string;
  write_iops_sec?: string;
  read_bytes_sec?: string;
  write_bytes_sec?: string;
}

const THROTTLE: [string, keyof BlkDev][] = [
  ['lxc.cgroup.blkio.device_weight', 'weight'],
  ['lxc.cgroup.blkio.throttle.read_bps_device', 'read_bytes_sec'],
  ['lxc.cgroup.blkio.throttle.write_bps_device', 'write_bytes_sec'],
  ['lxc.cgroup.blkio.throttle.read_iops_device', 'read_iops_sec'],
  ['lxc.cgroup.blkio.throttle.write_iops_device', 'write_iops_sec'],
];

/** `<blkiotune>` from blkio.weight and the per-device weight/throttle keys. */
export function blkiotune(entries: LxcConfigEntry[]): string {
  const weight = lastValue(entries, 'lxc.cgroup.blkio.weight');
  const devs = new Map<string, BlkDev>();
  for (const { key, value } of entries) {
    const field = THROTTLE.find(([k]) => k === key)?.[1];
    if (!field) continue;
    const parts = value.split(/\s+/).filter((p) => p !== '');
    if (parts.length !== 2) throw new VirtError('INTERNAL_ERROR', `Invalid ${key} value: '${value}'`);
    const [dev = '', v = ''] = parts;
    const path = `/dev/block/${dev}`;
    const d = devs.get(path) ?? {};
    d[field] = v;
    devs.set(path, d);
  }
  let inner = weight !== undefined ? `  <weight>${escapeXml(weight)}</weight>\n` : '';
  for (const [path, d] of devs) {
    inner += `  <device>\n    <path>${escapeXml(path)}</path>\n`;
    for (const f of [
      'weight',
      'read_iops_sec',
      'write_iops_sec',
      'read_bytes_sec',
      'write_bytes_sec',
    ] as const) {
      if (d[f] !== undefined) inner += `    <${f}>${escapeXml(d[f])}</${f}>\n`;
    }
    inner += '  </device>\n';
  }
  return inner ? `<blkiotune>\n${inner}</blkiotune>\n` : '';
}

/** A cpuset list as libvirt writes it back (`1,2,5-7` → `1-2,5-7`), through core's bitmap parser. */
function canonicalBitmap(list: string, key: string): string {
  return formatCpuSet(parseCpuSet(list, key));
}
