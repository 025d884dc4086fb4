import { chardevValue } from './chardev-backend.js';
import { formatJson } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';
import { unsupported } from './unsupported.js';

/** Serial ports: on x86 an ISA UART per port, each on its own chardev. */
export function serialArgs(ctx: ArgvContext): string[] {
  const args: string[] = [];
  for (const dev of ctx.def.devices) {
    if (dev.kind !== 'serial') continue;
    const port = dev.target?.port ?? 0;
    const targetType = dev.target?.type ?? 'isa-serial';
    if (targetType !== 'isa-serial') throw unsupported(`serial target type '${targetType}'`);
    const chardev = `charserial${port}`;
    args.push('-chardev', chardevValue(dev.source, chardev, ctx));
    args.push('-device', formatJson({ driver: 'isa-serial', chardev, id: `serial${port}`, index: port }));
  }
  return args;
}
