import { readdir, readFile } from 'node:fs/promises';
import type { NodeInfo } from '@virtkit/core';
import { HOST_ARCH } from './host-arch.js';

/** Values of `key` in /proc/cpuinfo, one per logical CPU. */
function cpuinfoValues(cpuinfo: string, key: string): string[] {
  const pattern = new RegExp(`^${key}\\s*:\\s*(.*)$`, 'gm');
  return [...cpuinfo.matchAll(pattern)].map((match) => match[1] ?? '');
}

const NODE_DIR = '/sys/devices/system/node';

/** The NUMA nodes' memory in KiB, as libnuma sums it (libvirt prefers it to /proc/meminfo). */
async function numaNodes(): Promise<{ count: number; memoryKiB: number }> {
  const nodes = (await readdir(NODE_DIR).catch(() => [] as string[])).filter((entry) =>
    /^node\d+$/.test(entry),
  );
  let memoryKiB = 0;
  for (const node of nodes) {
    const meminfo = await readFile(`${NODE_DIR}/${node}/meminfo`, 'utf8').catch(() => '');
    memoryKiB += Number(/MemTotal:\s*(\d+)/.exec(meminfo)?.[1] ?? 0);
  }
  return { count: nodes.length, memoryKiB };
}

/**
 * The host as virNodeGetInfo describes it (virHostCPUGetInfo, virHostMemGetInfo on Linux):
 * logical CPUs, the first CPU's MHz truncated, the topology per NUMA node and the NUMA
 * nodes' memory, from /proc and /sys.
 */
export async function hostNodeInfo(): Promise<NodeInfo> {
  const [cpuinfo, meminfo, numa] = await Promise.all([
    readFile('/proc/cpuinfo', 'utf8'),
    readFile('/proc/meminfo', 'utf8'),
    numaNodes(),
  ]);
  const nodes = Math.max(1, numa.count);
  const cpus = cpuinfoValues(cpuinfo, 'processor').length;
  const sockets = Math.max(1, new Set(cpuinfoValues(cpuinfo, 'physical id')).size);
  const cores = Number(cpuinfoValues(cpuinfo, 'cpu cores')[0] ?? cpus / sockets) || 1;
  const siblings = Number(cpuinfoValues(cpuinfo, 'siblings')[0] ?? cores) || cores;
  return {
    model: HOST_ARCH,
    memoryKiB: numa.memoryKiB || Number(/^MemTotal:\s*(\d+)/m.exec(meminfo)?.[1] ?? 0),
    cpus,
    mhz: Math.trunc(Number(cpuinfoValues(cpuinfo, 'cpu MHz')[0] ?? 0)),
    nodes,
    sockets: Math.max(1, Math.trunc(sockets / nodes)),
    cores,
    threads: Math.max(1, Math.trunc(siblings / cores)),
  };
}
