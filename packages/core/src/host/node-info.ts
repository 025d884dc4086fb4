import { readFile } from 'node:fs/promises';
import type { NodeInfo } from '../driver/index.js';
import { HOST_ARCH } from './host-arch.js';
import { readHostTopology } from './host-facts.js';

/**
 * The host as virNodeGetInfo describes it (virHostCPUGetInfo, virHostMemGetInfo on Linux): online
 * CPUs, the first CPU's MHz truncated, the sysfs topology per NUMA node, and the NUMA nodes'
 * memory (libvirt prefers libnuma's sum to /proc/meminfo, which it falls back to).
 */
export async function hostNodeInfo(): Promise<NodeInfo> {
  const facts = await readHostTopology();
  const nodes = Math.max(1, facts.cells.length);
  const cellMemoryKiB = facts.cells.reduce((sum, cell) => sum + cell.memoryKiB, 0);
  const cpus = facts.cells.reduce((sum, cell) => sum + cell.cpus.length, 0);
  const { sockets, dies, cores, threads } = facts.topology;
  return {
    model: HOST_ARCH,
    memoryKiB: cellMemoryKiB || (await memTotalKiB()),
    cpus: cpus || sockets * dies * cores * threads,
    mhz: Math.trunc(facts.mhz ?? 0),
    nodes,
    sockets: Math.max(1, Math.trunc(sockets / nodes)),
    cores: cores * dies,
    threads,
  };
}

async function memTotalKiB(): Promise<number> {
  const meminfo = await readFile('/proc/meminfo', 'utf8');
  return Number(/^MemTotal:\s*(\d+)/m.exec(meminfo)?.[1] ?? 0);
}
