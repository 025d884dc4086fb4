import { hasDeviceBootOrder } from './devices/devices.js';
import { diskNameToIndex } from './devices/disk.js';
import { ofKind } from './devices/of-kind.js';
import type { DiskDef, DomainDef } from './domain-def.js';
import { validateDiskSources } from './validate-disk-source.js';
import { validateDriveAddresses } from './validate-drive-addresses.js';
import { validateHugepages } from './validate-hugepages.js';
import { validateOs } from './validate-os.js';
import { internalError, unsupported, xmlError } from './xml-errors.js';
import type { XmlElement, XmlRest } from './xml-node.js';

function restChild(rest: XmlRest | undefined, name: string): XmlElement | undefined {
  return rest?.children.find((c) => c.name === name);
}

function diskSourceName(disk: DiskDef): string {
  const s = disk.source;
  return s?.file ?? s?.dev ?? s?.dir ?? s?.name ?? s?.volume ?? '<null>';
}

/** Buses whose disks sit on drive addresses. */
const DRIVE_BUSES = new Set(['ide', 'sata', 'scsi', 'fdc']);

function validateDisk(disk: DiskDef): void {
  const { dev, bus = '' } = disk.target;
  if (diskNameToIndex(dev) !== undefined && /\d$/.test(dev)) {
    throw unsupported(`invalid disk target '${dev}', partitions can't appear in disk targets`);
  }
  if (disk.device === 'lun' && disk.type !== 'block' && disk.type !== 'network') {
    throw unsupported("disk device='lun' is only valid for block type disk source");
  }
  if ((restChild(disk.rest, 'vendor') || restChild(disk.rest, 'product')) && bus !== 'scsi') {
    throw unsupported('Only scsi disk supports vendor and product');
  }
  const addressType = disk.info.address?.type;
  if (bus === 'usb' && addressType !== undefined && addressType !== 'usb') {
    throw internalError('unexpected address type for usb disk');
  }
  if (DRIVE_BUSES.has(bus) && addressType !== undefined && addressType !== 'drive') {
    throw unsupported(
      `Invalid address type '${addressType}' for the disk '${dev}' with the bus type '${bus}'`,
    );
  }
  for (const what of ['auth', 'encryption']) {
    if (restChild(disk.rest, what) && restChild(disk.source?.rest, what)) {
      throw unsupported(`an <${what}> definition already found for disk source`);
    }
  }
}

function validateDisks(disks: DiskDef[]): void {
  disks.forEach((disk, i) => {
    validateDisk(disk);
    validateDiskSources(disk);
    const earlier = disks.slice(0, i).find((d) => d.target.dev === disk.target.dev);
    if (earlier) {
      throw xmlError(
        `target '${disk.target.dev}' duplicated for disk sources '${diskSourceName(disk)}' and '${diskSourceName(earlier)}'`,
      );
    }
  });
}

function validateBoot(def: DomainDef): void {
  if (hasDeviceBootOrder(def.devices) && def.os.bootDevices.length > 0) {
    throw unsupported('per-device boot elements cannot be used together with os/boot elements');
  }
  const timeout = restChild(def.os.rest, 'bootmenu')?.attrs.timeout;
  if (timeout !== undefined && !(/^\d+$/.test(timeout) && Number(timeout) <= 65535)) {
    throw unsupported('invalid value for boot menu timeout, must be in range [0,65535]');
  }
}

function validateDevices(def: DomainDef): void {
  const ramfbs = ofKind(def.devices, 'generic').filter(
    (d) => d.element.name === 'hostdev' && d.element.attrs.type === 'mdev' && d.element.attrs.ramfb === 'on',
  );
  if (ramfbs.length > 1) throw unsupported("Only one vgpu device can have 'ramfb' enabled");
  for (const video of ofKind(def.devices, 'video')) {
    if (video.model?.type === 'ramfb' && video.info.address) {
      throw unsupported('address not supported for video type ramfb');
    }
  }
  for (const net of ofKind(def.devices, 'interface')) {
    const passt = restChild(net.rest, 'backend')?.attrs.type === 'passt';
    if (restChild(net.rest, 'portForward') && !(net.type === 'user' && passt)) {
      throw unsupported(
        "The <portForward> element can only be used with <interface type='user'> and its 'passt' backend",
      );
    }
  }
}

/** The driver-neutral checks of virDomainDefValidate. */
export function validateDomain(def: DomainDef): void {
  validateDisks(ofKind(def.devices, 'disk'));
  validateDevices(def);
  validateDriveAddresses(def.devices);
  validateHugepages(def);
  validateOs(def.os);
  validateBoot(def);
}
