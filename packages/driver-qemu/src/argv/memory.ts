import { usesMachineRamBackend } from './machine.js';
import { formatJson, formatKeyValue } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';

/** libvirt rounds x86 guest memory up to whole MiB, which QEMU would otherwise do itself. */
const ALIGN_KIB = 1024;
const alignKiB = (kib: number): number => Math.ceil(kib / ALIGN_KIB) * ALIGN_KIB;

export function memoryArgs(ctx: ArgvContext): string[] {
  const { memory } = ctx.def;
  const memoryKiB = alignKiB(memory.memoryKiB);
  const size = {
    size: `${memoryKiB}k`,
    slots: memory.maxMemorySlots,
    maxmem: memory.maxMemoryKiB === undefined ? undefined : `${alignKiB(memory.maxMemoryKiB)}k`,
  };
  const args = ['-m', formatKeyValue(size)];
  if (usesMachineRamBackend(ctx) && ctx.machine?.defaultRamId) {
    const backend = {
      'qom-type': 'memory-backend-ram',
      id: ctx.machine.defaultRamId,
      size: memoryKiB * 1024,
    };
    args.push('-object', formatJson(backend));
  }
  // Guest memory is never locked unless <memoryBacking><locked/> asks for it.
  args.push('-overcommit', 'mem-lock=off');
  return args;
}
