import type { ChardevDef, ControllerDef, DeviceDef, FormatFlags, ParseFlags } from '../domain-def.js';
import { orderByName } from '../element-shape.js';
import { rejectScsiHostdevConflict } from '../validate-drive-addresses.js';
import type { XmlElement } from '../xml-node.js';
import { assignChardevPorts, CHARDEV_KINDS, formatChardev, parseChardev } from './chardev.js';
import { formatChrBacked, parseChrBacked } from './chr-backed.js';
import { addConsoleCompat } from './console-compat.js';
import { assignControllerIndexes, formatController, parseController } from './controller.js';
import { assignDriveAddress, formatDisk, parseDisk } from './disk.js';
import { formatFilesystem, parseFilesystem } from './filesystem.js';
import { formatGenericDevice, parseGenericDevice } from './generic-device.js';
import { formatGraphics, parseGraphics } from './graphics.js';
import { formatInput, parseInput } from './input.js';
import { formatInterface, parseInterface } from './interface.js';
import { ofKind } from './of-kind.js';
import { formatVideo, markPrimaryVideo, parseVideo } from './video.js';

/** The order in which virDomainDefFormat writes device categories. */
export const DEVICE_ORDER = [
  'disk',
  'controller',
  'lease',
  'filesystem',
  'interface',
  'smartcard',
  'serial',
  'parallel',
  'console',
  'channel',
  'input',
  'tpm',
  'graphics',
  'sound',
  'audio',
  'video',
  'hostdev',
  'redirdev',
  'redirfilter',
  'hub',
  'watchdog',
  'memballoon',
  'rng',
  'nvram',
  'panic',
  'shmem',
  'memory',
  'iommu',
  'vsock',
  'crypto',
] as const;

export function deviceElementName(dev: DeviceDef): string {
  return dev.kind === 'generic' ? dev.element.name : dev.kind;
}

export function parseDevice(el: XmlElement, flags: ParseFlags, osType: string): DeviceDef {
  switch (el.name) {
    case 'disk':
      return parseDisk(el, flags);
    case 'interface':
      return parseInterface(el, flags);
    case 'controller':
      return parseController(el, flags);
    case 'filesystem':
      return parseFilesystem(el, flags);
    case 'graphics':
      return parseGraphics(el, flags);
    case 'input':
      return parseInput(el, flags, osType);
    case 'video':
      return parseVideo(el, flags);
    case 'smartcard':
    case 'redirdev':
      return parseChrBacked(el, flags);
    default:
      if ((CHARDEV_KINDS as readonly string[]).includes(el.name)) return parseChardev(el, flags);
      return parseGenericDevice(el, flags);
  }
}

export function formatDevice(dev: DeviceDef, flags: FormatFlags): XmlElement {
  switch (dev.kind) {
    case 'disk':
      return formatDisk(dev, flags);
    case 'interface':
      return formatInterface(dev, flags);
    case 'controller':
      return formatController(dev, flags);
    case 'filesystem':
      return formatFilesystem(dev, flags);
    case 'graphics':
      return formatGraphics(dev, flags);
    case 'input':
      return formatInput(dev, flags);
    case 'video':
      return formatVideo(dev, flags);
    case 'smartcard':
    case 'redirdev':
      return formatChrBacked(dev, flags);
    case 'generic':
      return formatGenericDevice(dev, flags);
    default:
      return formatChardev(dev, flags);
  }
}

/** Whether any device carries a `<boot order>` (which excludes `<os><boot>`). */
export function hasDeviceBootOrder(devices: readonly DeviceDef[]): boolean {
  return devices.some((d) => 'info' in d && d.info.bootOrder !== undefined);
}

/** Devices in libvirt's category order, each category in definition order. */
export function sortDevices(devices: DeviceDef[]): DeviceDef[] {
  return orderByName(devices, deviceElementName, DEVICE_ORDER);
}

function chardevsOf(devices: DeviceDef[]): ChardevDef[] {
  return devices.filter((d): d is ChardevDef => (CHARDEV_KINDS as readonly string[]).includes(d.kind));
}

function ensureController(devices: DeviceDef[], type: string, index: number): void {
  const exists = ofKind(devices, 'controller').some((c) => c.type === type && c.index === index);
  if (!exists)
    devices.push({ kind: 'controller', type, index, info: {}, implicit: true } satisfies ControllerDef);
}

/** Controllers the devices imply (virDomainDefAddImplicitControllers). */
function addImplicitControllers(devices: DeviceDef[]): void {
  for (const disk of ofKind(devices, 'disk')) {
    const bus = disk.target.bus;
    const controller =
      disk.info.address?.type === 'drive' ? Number(disk.info.address.attrs.controller ?? 0) : 0;
    if (bus === 'ide' || bus === 'sata' || bus === 'fdc' || bus === 'scsi')
      ensureController(devices, bus, controller);
  }
  for (const chr of chardevsOf(devices)) {
    const virtio = (chr.kind === 'channel' || chr.kind === 'console') && chr.target?.type === 'virtio';
    if (!virtio) continue;
    const addr = chr.info.address;
    ensureController(
      devices,
      'virtio-serial',
      addr?.type === 'virtio-serial' ? Number(addr.attrs.controller ?? 0) : 0,
    );
  }
  const smartcards = ofKind(devices, 'smartcard');
  smartcards.forEach((card, slot) => {
    card.info.address ??= { type: 'ccid', attrs: { controller: '0', slot: String(slot) } };
    ensureController(devices, 'ccid', Number(card.info.address.attrs.controller ?? 0));
  });
}

/** libvirt's generic device post-parse: addresses, implicit controllers, numbering. */
export function postParseDevices(devices: DeviceDef[], osType: string): void {
  addConsoleCompat(devices, osType);
  for (const disk of ofKind(devices, 'disk')) {
    if (assignDriveAddress(disk)) rejectScsiHostdevConflict(disk, devices);
  }
  assignControllerIndexes(ofKind(devices, 'controller'));
  addImplicitControllers(devices);
  assignChardevPorts(chardevsOf(devices));
  markPrimaryVideo(ofKind(devices, 'video'));
}
