import type { DeviceDef, DiskDef } from '@virtkit/core';
import { isQ35 } from '../define/index.js';
import { bootIndexes } from './boot.js';
import { targetIndex } from './disk-order.js';
import { formatJson, type OptionProps } from './option-syntax.js';
import { type ArgvContext, pciDeviceProps } from './qemu-command.js';
import { unsupported } from './unsupported.js';
import { virtioOptionProps } from './virtio-options.js';

/** Cache modes as the blockdev `cache` object and the device's write-cache switch. */
const CACHE_MODES: Record<string, { direct: boolean; noFlush: boolean; writeCache: boolean }> = {
  none: { direct: true, noFlush: false, writeCache: true },
  writeback: { direct: false, noFlush: false, writeCache: true },
  writethrough: { direct: false, noFlush: false, writeCache: false },
  directsync: { direct: true, noFlush: false, writeCache: false },
  unsafe: { direct: false, noFlush: true, writeCache: true },
};

function storageDriver(disk: DiskDef, ctx: ArgvContext): string | undefined {
  if (disk.type === 'file' && disk.source?.file) return 'file';
  const dev = disk.type === 'block' ? disk.source?.dev : undefined;
  if (dev === undefined) return undefined;
  return disk.device === 'cdrom' && ctx.host.isHostCdrom(dev) ? 'host_cdrom' : 'host_device';
}

function cacheProps(disk: DiskDef): OptionProps | undefined {
  const mode = disk.driver?.cache ? CACHE_MODES[disk.driver.cache] : undefined;
  return mode && { direct: mode.direct, 'no-flush': mode.noFlush };
}

/** The storage and format nodes of a disk with a local source. */
function blockdevArgs(disk: DiskDef, node: number, ctx: ArgvContext): string[] {
  const driver = storageDriver(disk, ctx);
  if (!driver) return [];
  const storage = `libvirt-${node}-storage`;
  const cache = cacheProps(disk);
  const storageNode = {
    driver,
    filename: disk.source?.file ?? disk.source?.dev,
    aio: disk.driver?.io,
    'node-name': storage,
    cache,
    'auto-read-only': true,
    discard: 'unmap',
  };
  const formatNode = {
    'node-name': `libvirt-${node}-format`,
    // CD-ROM media are read-only whatever the XML says.
    'read-only': disk.readonly || disk.device === 'cdrom',
    discard: disk.driver?.rest?.attrs.discard,
    cache,
    driver: disk.driver?.type ?? 'raw',
    file: storage,
  };
  return ['-blockdev', formatJson(storageNode), '-blockdev', formatJson(formatNode)];
}

function childText(disk: DiskDef, name: string): string | undefined {
  const el = disk.rest?.children.find((c) => c.name === name);
  return el?.children.filter((c): c is string => typeof c === 'string').join('');
}

/** XML error policies as QEMU names them; `enospace` exists only for writes. */
function errorPolicyProps(disk: DiskDef): { werror?: string; rerror?: string } {
  const { error_policy: write, rerror_policy: read } = disk.driver?.rest?.attrs ?? {};
  const qemuName = (policy: string | undefined): string | undefined =>
    policy === 'enospace' ? 'enospc' : policy;
  return { werror: qemuName(write), rerror: qemuName(read ?? (write === 'enospace' ? undefined : write)) };
}

/** SCSI disks address a target on the controller's bus; virtio-scsi also has channels and LUNs. */
function scsiProps(disk: DiskDef, ctx: ArgvContext, drive: Record<string, string> | undefined): OptionProps {
  const ctrlIndex = Number(drive?.controller ?? 0);
  const ctrl = ctx.def.devices.find(
    (d) => d.kind === 'controller' && d.type === 'scsi' && d.index === ctrlIndex,
  );
  const virtio = ctrl?.kind === 'controller' && ctrl.model === 'virtio-scsi';
  const bus = Number(drive?.bus ?? 0);
  const target = Number(drive?.target ?? 0);
  const unit = Number(drive?.unit ?? 0);
  const name = virtio ? `scsi${ctrlIndex}-${bus}-${target}-${unit}` : `scsi${ctrlIndex}-${bus}-${unit}`;
  const lun = disk.device === 'lun';
  return {
    driver: disk.device === 'cdrom' ? 'scsi-cd' : lun ? 'scsi-block' : 'scsi-hd',
    bus: `scsi${ctrlIndex}.${virtio ? 0 : bus}`,
    channel: virtio ? bus : undefined,
    'scsi-id': virtio ? target : unit,
    lun: virtio ? unit : undefined,
    // A passed-through LUN reports the real device's identity.
    device_id: lun ? undefined : (disk.serial ?? `drive-${name}`),
    id: name,
  };
}

function busProps(disk: DiskDef, ctx: ArgvContext): OptionProps | undefined {
  const drive = disk.info.address?.type === 'drive' ? disk.info.address.attrs : undefined;
  const index = targetIndex(disk.target.dev);
  switch (disk.target.bus) {
    case 'ide': {
      const bus = Number(drive?.bus ?? Math.floor(index / 2));
      const unit = Number(drive?.unit ?? index % 2);
      const ctrl = Number(drive?.controller ?? 0);
      return {
        driver: disk.device === 'cdrom' ? 'ide-cd' : 'ide-hd',
        bus: `ide.${bus}`,
        unit,
        id: `ide${ctrl}-${bus}-${unit}`,
      };
    }
    case 'fdc': {
      const unit = Number(drive?.unit ?? index);
      return { driver: 'floppy', unit, id: `fdc0-0-${unit}` };
    }
    case 'scsi':
      return scsiProps(disk, ctx, drive);
    case 'usb': {
      const removable = disk.target.rest?.attrs.removable;
      return {
        driver: 'usb-storage',
        ...ctx.usbPort.get(disk),
        id: `usb-disk${index}`,
        tail: { removable: removable === undefined ? false : removable === 'on' },
      };
    }
    case 'virtio': {
      const tuning = disk.driver?.rest?.attrs ?? {};
      const flag = (value: string | undefined): boolean | undefined =>
        value === undefined ? undefined : value === 'on';
      return {
        driver: 'virtio-blk-pci',
        ...virtioOptionProps(disk),
        ioeventfd: flag(tuning.ioeventfd),
        event_idx: flag(tuning.event_idx),
        'num-queues': tuning.queues === undefined ? undefined : Number(tuning.queues),
        ...pciDeviceProps(ctx.pciAddress.get(disk)),
        id: `virtio-disk${index}`,
      };
    }
    default:
      return undefined;
  }
}

export function diskArgs(ctx: ArgvContext): string[] {
  const args: string[] = [];
  const disks = ctx.def.devices.filter((d) => d.kind === 'disk');
  const boot = bootIndexes(ctx);
  // Node names count down: the first disk gets the highest number.
  let node = disks.length;
  args.push(...floppyControllerArgs(ctx, boot));
  for (const dev of ctx.def.devices) {
    if (dev.kind !== 'disk') continue;
    const device = busProps(dev, ctx);
    if (!device) throw unsupported(`disk bus '${dev.target.bus}'`);
    const blockdev = blockdevArgs(dev, node, ctx);
    args.push(...blockdev);
    const { id, tail, ...placement } = device;
    const mode = dev.driver?.cache ? CACHE_MODES[dev.driver.cache] : undefined;
    const wwn = childText(dev, 'wwn');
    const props = {
      ...placement,
      drive: blockdev.length > 0 ? `libvirt-${node}-format` : undefined,
      id,
      ...(tail as OptionProps | undefined),
      // Floppies boot through their controller's bootindexA/B instead.
      bootindex: dev.target.bus === 'fdc' ? undefined : boot.get(dev),
      'write-cache': mode === undefined ? undefined : mode.writeCache ? 'on' : 'off',
      ...errorPolicyProps(dev),
      wwn: wwn === undefined ? undefined : BigInt(`0x${wwn.replace(/^0x/, '')}`),
      serial: dev.serial,
      vendor: childText(dev, 'vendor'),
      product: childText(dev, 'product'),
    };
    args.push('-device', formatJson(props));
    node--;
  }
  return args;
}

/**
 * The floppy controller carries its drives' boot order: a global on the PC's built-in one, a
 * device of its own on Q35, which has none.
 */
function floppyControllerArgs(ctx: ArgvContext, boot: Map<DeviceDef, number>): string[] {
  const floppies = ctx.def.devices.filter((d): d is DiskDef => d.kind === 'disk' && d.target.bus === 'fdc');
  const props: Record<string, number> = {};
  for (const disk of floppies) {
    const order = boot.get(disk);
    const unit = Number(disk.info.address?.attrs.unit ?? targetIndex(disk.target.dev));
    if (order !== undefined) props[`bootindex${unit === 0 ? 'A' : 'B'}`] = order;
  }
  if (isQ35(ctx.machineName))
    return floppies.length > 0 ? ['-device', formatJson({ driver: 'isa-fdc', ...props })] : [];
  return Object.entries(props).flatMap(([key, value]) => ['-global', `isa-fdc.${key}=${value}`]);
}
