import type { FilesystemDef } from '@virtkit/core';
import { formatJson, formatKeyValue } from './option-syntax.js';
import { type ArgvContext, pciDeviceProps } from './qemu-command.js';
import { unsupported } from './unsupported.js';
import { driverAttrs, virtioOptionProps } from './virtio-options.js';

/** 9p shares: an -fsdev export and the virtio-9p device that shows it to the guest. */
export function filesystemArgs(ctx: ArgvContext): string[] {
  const args: string[] = [];
  let n = 0;
  for (const dev of ctx.def.devices) {
    if (dev.kind !== 'filesystem') continue;
    args.push(...shareArgs(dev, n, ctx));
    n++;
  }
  return args;
}

function shareArgs(fs: FilesystemDef, n: number, ctx: ArgvContext): string[] {
  if (fs.type !== 'mount') throw unsupported(`filesystem type '${fs.type}'`);
  const driver = driverAttrs(fs);
  const handle = driver.type === 'handle';
  const id = fs.info.alias ?? `fs${n}`;
  const fsdev = `fsdev-${id}`;
  const exportProps = {
    '': handle ? 'handle' : 'local',
    security_model: handle ? undefined : (fs.accessmode ?? 'passthrough'),
    writeout: driver.wrpolicy,
    fmode: fs.fmode,
    dmode: fs.dmode,
    id: fsdev,
    path: fs.source.dir,
    readonly: fs.readonly ? true : undefined,
  };
  const device = {
    driver: 'virtio-9p-pci',
    ...virtioOptionProps(fs),
    id,
    fsdev,
    mount_tag: fs.targetDir,
    ...pciDeviceProps(ctx.pciAddress.get(fs)),
  };
  return ['-fsdev', formatKeyValue(exportProps), '-device', formatJson(device)];
}
