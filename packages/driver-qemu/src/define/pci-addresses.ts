import type { ControllerDef, DeviceDef, DomainDef } from '@virtkit/core';
import { soundWantsPci } from '../argv/sound.js';
import { controllers, genericName, newController } from './device-list.js';
import { isQ35 } from './machine.js';

const SLOTS_PER_BUS = 32;
const FUNCTIONS_PER_SLOT = 8;
/** Q35's ICH9 functions (SATA, LPC, SMBus) live in slot 0x1f of the root complex. */
const ICH9_SLOT = 0x1f;
const ICH9_HDA_SLOT = 0x1b;

interface Slot {
  bus: number;
  slot: number;
  function: number;
  multifunction?: boolean;
}

function hex(n: number, width: number): string {
  return `0x${n.toString(16).padStart(width, '0')}`;
}

function setPci(dev: DeviceDef, at: Slot): void {
  if (!('info' in dev)) return;
  dev.info.address = {
    type: 'pci',
    attrs: {
      domain: '0x0000',
      bus: hex(at.bus, 2),
      slot: hex(at.slot, 2),
      function: hex(at.function, 1),
      ...(at.multifunction && { multifunction: 'on' }),
    },
  };
}

function pciOf(dev: DeviceDef): Slot | undefined {
  const address = 'info' in dev ? dev.info.address : undefined;
  if (address?.type !== 'pci') return undefined;
  const num = (key: string): number => Number(address.attrs[key] ?? 0);
  return { bus: num('bus'), slot: num('slot'), function: num('function') };
}

function isRootPort(dev: DeviceDef): dev is ControllerDef {
  return dev.kind === 'controller' && dev.model === 'pcie-root-port';
}

/** A host PCI device, a vhost-scsi host, or a mediated device presented as PCI. */
function isPciHostdev(attrs: Record<string, string>): boolean {
  return (
    attrs.type === 'pci' ||
    attrs.type === 'scsi_host' ||
    (attrs.type === 'mdev' && attrs.model === 'vfio-pci')
  );
}

/** Whether a device sits on the PCI bus when the XML gives it no address. */
function wantsPci(dev: DeviceDef): boolean {
  switch (dev.kind) {
    case 'disk':
      return dev.target.bus === 'virtio';
    case 'interface':
      return dev.model !== 'usb-net' && dev.type !== 'hostdev';
    case 'video':
      return dev.model?.type !== 'none';
    case 'controller':
      return (
        ['virtio-serial', 'scsi', 'sata'].includes(dev.type) ||
        (dev.type === 'usb' && dev.model !== 'none') ||
        isRootPort(dev)
      );
    case 'filesystem':
      return true;
    case 'input':
      return dev.bus === 'virtio';
    case 'generic': {
      const name = genericName(dev);
      if (name === 'memballoon') return dev.element.attrs.model?.startsWith('virtio') === true;
      if (name === 'iommu') return dev.element.attrs.model === 'virtio';
      if (name === 'watchdog') return dev.element.attrs.model === 'i6300esb';
      if (name === 'sound') return soundWantsPci(dev.element);
      if (name === 'hostdev') return isPciHostdev(dev.element.attrs);
      return name === 'rng' || name === 'vsock';
    }
    default:
      return false;
  }
}

/**
 * The order libvirt hands out free slots in (qemuDomainAssignDevicePCISlots): the primary video
 * first, then by device class, each class in document order.
 */
function assignRank(dev: DeviceDef, isPrimaryVideo: boolean): number {
  if (isPrimaryVideo) return 0;
  switch (dev.kind) {
    case 'filesystem':
      return 2;
    case 'interface':
      return 3;
    case 'controller':
      return 5;
    case 'disk':
      return 7;
    case 'video':
      return 12;
    case 'input':
      return 14;
    default: {
      const order: Record<string, number> = {
        iommu: 1,
        sound: 4,
        hostdev: 7.5,
        memballoon: 8,
        rng: 9,
        watchdog: 10,
        vsock: 16,
      };
      return order[genericName(dev) ?? ''] ?? 20;
    }
  }
}

/** Devices without an address that need a PCI slot, in libvirt's assignment order. */
function pendingDevices(def: DomainDef): DeviceDef[] {
  const primaryVideo = def.devices.find((d) => d.kind === 'video');
  const pending = def.devices
    .map((dev, i) => ({ dev, i }))
    .filter(({ dev }) => !('info' in dev && dev.info.address) && wantsPci(dev));
  pending.sort(
    (a, b) =>
      assignRank(a.dev, a.dev === primaryVideo) - assignRank(b.dev, b.dev === primaryVideo) || a.i - b.i,
  );
  return pending.map(({ dev }) => dev);
}

/** Lowest free slot on the root bus, from `first` on. */
function freeSlot(used: Set<number>, first: number): number {
  let slot = first;
  while (used.has(slot) && slot < SLOTS_PER_BUS) slot++;
  used.add(slot);
  return slot;
}

/**
 * The chipset's own functions: the PIIX3's IDE (1.1) and first UHCI (1.2) on i440fx, the ICH9's
 * first AHCI (0x1f.2) and its HD Audio (0x1b.0) on Q35. They are fixed, whatever else is free.
 */
function chipsetSlot(dev: DeviceDef, q35: boolean): Slot | undefined {
  if (q35 && dev.kind === 'generic') {
    const ich9Sound = dev.element.name === 'sound' && dev.element.attrs.model === 'ich9';
    return ich9Sound ? { bus: 0, slot: ICH9_HDA_SLOT, function: 0 } : undefined;
  }
  if (dev.kind !== 'controller' || dev.index !== 0) return undefined;
  if (q35) return dev.type === 'sata' ? { bus: 0, slot: ICH9_SLOT, function: 2 } : undefined;
  if (dev.type === 'ide') return { bus: 0, slot: 1, function: 1 };
  if (dev.type === 'usb' && (dev.model ?? 'piix3-uhci') === 'piix3-uhci')
    return { bus: 0, slot: 1, function: 2 };
  return undefined;
}

/**
 * qemuDomainAssignPCIAddresses for PC machines, writing each address into the definition. i440fx:
 * every device gets its own slot on pci.0; slot 1 is the PIIX3 (IDE, USB, ACPI). Q35: the primary
 * video is integrated on pcie.0, everything else gets a pcie-root-port of its own, plus one spare
 * for hotplug, the ports packed as functions of the lowest free root slots.
 */
export function assignPciAddresses(def: DomainDef, machine: string): void {
  const q35 = isQ35(machine);
  const used = new Set<number>(q35 ? [0, ICH9_SLOT] : [0, 1]);
  for (const dev of def.devices) {
    if ('info' in dev && dev.info.address) {
      const at = pciOf(dev);
      if (at?.bus === 0) used.add(at.slot);
      continue;
    }
    const fixed = chipsetSlot(dev, q35);
    if (fixed) setPci(dev, fixed);
    if (fixed?.bus === 0) used.add(fixed.slot);
  }
  let pending = pendingDevices(def);
  if (!q35) {
    for (const dev of pending) setPci(dev, { bus: 0, slot: freeSlot(used, 2), function: 0 });
    return;
  }
  // The primary video and a virtio IOMMU are integrated endpoints of the root complex.
  const integrated = pending.filter((d) =>
    d.kind === 'video' ? d === pending[0] : genericName(d) === 'iommu',
  );
  for (const dev of integrated) setPci(dev, { bus: 0, slot: freeSlot(used, 1), function: 0 });
  pending = pending.filter((d) => !integrated.includes(d));
  placeOnRootPorts(def, pending, used);
}

/**
 * Q35 devices each go behind a root port of their own: the XML's free ones first, then new
 * ones. Ports without an address are packed as the functions of the lowest free pcie.0 slots,
 * and one port is always left free so something can be hotplugged later.
 */
function placeOnRootPorts(def: DomainDef, pending: DeviceDef[], used: Set<number>): void {
  const existing = def.devices.filter(isRootPort);
  const devices = pending.filter((d) => !isRootPort(d));
  const occupied = new Set(def.devices.flatMap((d) => pciOf(d)?.bus ?? []));
  const free = existing.filter((p) => !occupied.has(p.index));
  let nextIndex = Math.max(0, ...controllers(def.devices, 'pci').map((c) => c.index)) + 1;
  const added: ControllerDef[] = [];
  const newPort = (): ControllerDef => {
    const port = newController('pci', nextIndex++, 'pcie-root-port');
    added.push(port);
    def.devices.push(port);
    return port;
  };
  for (const dev of devices) {
    const port = free.shift() ?? newPort();
    setPci(dev, { bus: port.index, slot: 0, function: 0 });
  }
  if (devices.length > 0 && free.length === 0) newPort();
  let slot = -1;
  let fn = FUNCTIONS_PER_SLOT;
  for (const port of [...existing, ...added]) {
    if (port.info.address) continue;
    if (fn === FUNCTIONS_PER_SLOT) {
      slot = freeSlot(used, 1);
      fn = 0;
    }
    setPci(port, { bus: 0, slot, function: fn, multifunction: fn === 0 });
    fn++;
  }
}
