import { ofKind } from './devices/of-kind.js';
import type { DeviceDef, DeviceInfo, DiskDef } from './domain-def.js';
import { unsupported } from './xml-errors.js';

interface DriveAddress {
  controller: number;
  bus: number;
  target: number;
  unit: number;
}

function driveAddress(info: DeviceInfo): DriveAddress | undefined {
  const a = info.address;
  if (a?.type !== 'drive') return undefined;
  const at = (name: string) => Number(a.attrs[name] ?? 0);
  return { controller: at('controller'), bus: at('bus'), target: at('target'), unit: at('unit') };
}

function sameAddress(a: DriveAddress | undefined, b: DriveAddress | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.controller === b.controller &&
    a.bus === b.bus &&
    a.target === b.target &&
    a.unit === b.unit
  );
}

function describe({ controller, bus, target, unit }: DriveAddress): string {
  return `controller='${controller}' bus='${bus}' target='${target}' unit='${unit}'`;
}

/** Drive addresses of the SCSI host devices (`<hostdev mode='subsystem' type='scsi'>`). */
function scsiHostdevAddresses(devices: readonly DeviceDef[]): (DriveAddress | undefined)[] {
  return ofKind(devices, 'generic')
    .filter(
      (d) =>
        d.element.name === 'hostdev' &&
        (d.element.attrs.mode ?? 'subsystem') === 'subsystem' &&
        d.element.attrs.type === 'scsi',
    )
    .map((d) => driveAddress(d.info));
}

/**
 * The address libvirt just gave a SCSI disk must not be one a SCSI host device holds
 * (virDomainDiskDefAssignAddress); the message's unclosed quote is libvirt's.
 */
export function rejectScsiHostdevConflict(disk: DiskDef, devices: readonly DeviceDef[]): void {
  const addr = driveAddress(disk.info);
  if (disk.target.bus !== 'scsi' || !addr) return;
  if (scsiHostdevAddresses(devices).some((h) => sameAddress(h, addr))) {
    throw unsupported(
      `using disk target name '${disk.target.dev}' conflicts with SCSI host device address ${describe(addr).slice(0, -1)}`,
    );
  }
}

/** libvirt names the hostdev's bus as its controller and vice versa in these two messages. */
function hostdevDescription(addr: DriveAddress): string {
  return describe({ ...addr, controller: addr.bus, bus: addr.controller });
}

/** virDomainDefDuplicateDriveAddressesValidate: no two disks on a bus, nor a SCSI hostdev and anything, share a drive address. */
export function validateDriveAddresses(devices: readonly DeviceDef[]): void {
  const disks = ofKind(devices, 'disk');
  disks.forEach((disk, i) => {
    const addr = driveAddress(disk.info);
    const twin = disks
      .slice(i + 1)
      .find((other) => other.target.bus === disk.target.bus && sameAddress(addr, driveAddress(other.info)));
    if (addr && twin) {
      throw unsupported(
        `Found duplicate drive address for disk with target name '${disk.target.dev}' ${describe(addr)}`,
      );
    }
  });
  const hostdevs = scsiHostdevAddresses(devices);
  hostdevs.forEach((addr, i) => {
    if (!addr) return;
    if (hostdevs.slice(i + 1).some((other) => sameAddress(addr, other))) {
      throw unsupported(`SCSI host address ${hostdevDescription(addr)} in use by another SCSI host device`);
    }
    if (disks.some((d) => d.target.bus === 'scsi' && sameAddress(addr, driveAddress(d.info)))) {
      throw unsupported(`SCSI host address ${hostdevDescription(addr)} in use by another SCSI disk`);
    }
  });
}
