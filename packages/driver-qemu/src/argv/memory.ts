import { type DomainDef, toKiB, type XmlElement } from '@virtkit/core';
import { usesMachineRamBackend } from './machine.js';
import { memoryBackendArgs } from './memory-backend.js';
import { alignKiB, memoryBacking, numaCells } from './memory-backing.js';
import { formatKeyValue } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';

/** Size (KiB) of the hotpluggable memory devices (`<memory model='dimm'>`, …), which -m leaves out. */
function memoryDevicesKiB(def: DomainDef): number {
  let total = 0;
  for (const dev of def.devices) {
    if (dev.kind !== 'generic' || dev.element.name !== 'memory') continue;
    const target = dev.element.children.find(
      (c): c is XmlElement => typeof c !== 'string' && c.name === 'target',
    );
    const size = target?.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'size');
    if (size) total += toKiB(Number(size.children.join('')), size.attrs.unit ?? 'KiB');
  }
  return total;
}

/**
 * The guest's boot-time RAM (virDomainDefGetMemoryInitial): the sum of its NUMA cells, else
 * `<memory>` less its memory devices, rounded up to whole MiB as libvirt does for x86.
 */
export function initialMemoryKiB(def: DomainDef): number {
  const cells = numaCells(def);
  if (cells.length > 0) return cells.reduce((sum, cell) => sum + cell.memoryKiB, 0);
  return alignKiB(def.memory.memoryKiB - memoryDevicesKiB(def));
}

export function memoryArgs(ctx: ArgvContext): string[] {
  const { memory } = ctx.def;
  const memoryKiB = initialMemoryKiB(ctx.def);
  const size = {
    size: `${memoryKiB}k`,
    slots: memory.maxMemorySlots,
    maxmem: memory.maxMemoryKiB === undefined ? undefined : `${alignKiB(memory.maxMemoryKiB)}k`,
  };
  const args = ['-m', formatKeyValue(size)];
  const ramId = ctx.machine?.defaultRamId;
  if (usesMachineRamBackend(ctx) && ramId)
    args.push(...memoryBackendArgs(ctx, { id: ramId, sizeKiB: memoryKiB }));
  const locked = memoryBacking(ctx.def).locked;
  args.push('-overcommit', `mem-lock=${locked ? 'on' : 'off'}`);
  return args;
}
