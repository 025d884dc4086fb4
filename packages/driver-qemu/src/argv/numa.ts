import { memoryBackendArgs } from './memory-backend.js';
import { numaCells } from './memory-backing.js';
import { nodeRanges } from './node-set.js';
import type { ArgvContext } from './qemu-command.js';

/**
 * One memory backend and one `-numa node` per guest cell (qemuBuildNumaCommandLine). Each cpu
 * range is a `cpus=` key of its own: QEMU takes the key repeatedly, not a comma list.
 */
export function numaArgs(ctx: ArgvContext): string[] {
  return numaCells(ctx.def).flatMap((cell) => {
    const memdev = `ram-node${cell.id}`;
    const cpus = nodeRanges(cell.cpus).map((range) => `cpus=${range}`);
    const node = ['node', `nodeid=${cell.id}`, ...cpus, `memdev=${memdev}`].join(',');
    return [...memoryBackendArgs(ctx, { id: memdev, sizeKiB: cell.memoryKiB, cell }), '-numa', node];
  });
}
