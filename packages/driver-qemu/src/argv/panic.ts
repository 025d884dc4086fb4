import type { XmlElement } from '@virtkit/core';
import { formatJson } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';

/**
 * qemuBuildPanicCommandLine for the ISA pvpanic device (x86's default model), at its I/O port
 * when the XML gives one. Not yet: `pvpanic` on PCI (it needs a PCI address) and the hyperv
 * model (a CPU feature).
 */
export function panicArgs(ctx: ArgvContext): string[] {
  const args: string[] = [];
  for (const dev of ctx.def.devices) {
    if (dev.kind !== 'generic' || dev.element.name !== 'panic') continue;
    const { model = 'isa' } = dev.element.attrs;
    if (model === 'isa') {
      const iobase = dev.element.children.find(
        (child): child is XmlElement => typeof child !== 'string' && child.name === 'address',
      )?.attrs.iobase;
      args.push('-device', formatJson({ driver: 'pvpanic', ...(iobase && { ioport: Number(iobase) }) }));
    }
  }
  return args;
}
