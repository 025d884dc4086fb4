import type { DeviceDef } from '@virtkit/core';
import { formatKeyValue } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';

/** Boot order is given per device (bootindex); -boot only carries the menu and strictness. */
export function bootArgs({ def }: ArgvContext): string[] {
  const menu = def.os.rest?.children.find((c) => c.name === 'bootmenu');
  const props = {
    menu: menu?.attrs.enable === undefined ? undefined : menu.attrs.enable === 'yes',
    'splash-time': menu?.attrs.timeout,
    strict: true,
  };
  return ['-boot', formatKeyValue(props)];
}

/** `<boot dev=…>` kinds mapped to the first device of each kind, as libvirt does. */
const BOOT_DEV_TO_DISK_DEVICES: Record<string, string[]> = {
  hd: ['disk', 'lun'],
  cdrom: ['cdrom'],
  fd: ['floppy'],
};

/** bootindex per device, from per-device <boot order> or from <os><boot>. */
export function bootIndexes(ctx: ArgvContext): Map<DeviceDef, number> {
  const out = new Map<DeviceDef, number>();
  const devices = ctx.def.devices;
  for (const dev of devices) {
    if ('info' in dev && dev.info.bootOrder !== undefined) out.set(dev, dev.info.bootOrder);
  }
  if (out.size > 0) return out;
  ctx.def.os.bootDevices.forEach((bootDev, order) => {
    const dev =
      bootDev === 'network'
        ? devices.find((d) => d.kind === 'interface')
        : devices.find((d) => d.kind === 'disk' && BOOT_DEV_TO_DISK_DEVICES[bootDev]?.includes(d.device));
    if (dev && !out.has(dev)) out.set(dev, order + 1);
  });
  return out;
}
