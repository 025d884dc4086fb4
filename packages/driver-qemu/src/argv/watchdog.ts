import { formatJson } from './option-syntax.js';
import { type ArgvContext, pciDeviceProps } from './qemu-command.js';

/** Watchdog actions QEMU has no word for: libvirt pauses the guest and dumps it itself. */
const QEMU_ACTIONS: Record<string, string> = { dump: 'pause' };

export function watchdogArgs(ctx: ArgvContext): string[] {
  const args: string[] = [];
  let n = 0;
  for (const dev of ctx.def.devices) {
    if (dev.kind !== 'generic' || dev.element.name !== 'watchdog') continue;
    const { model = 'i6300esb', action = 'reset' } = dev.element.attrs;
    // The ICH9's built-in TCO watchdog only needs its reboot strap released.
    if (model === 'itco') args.push('-global', 'ICH9-LPC.noreboot=off');
    else
      args.push(
        '-device',
        formatJson({ driver: model, id: `watchdog${n}`, ...pciDeviceProps(ctx.pciAddress.get(dev)) }),
      );
    args.push('-watchdog-action', QEMU_ACTIONS[action] ?? action);
    n++;
  }
  return args;
}
