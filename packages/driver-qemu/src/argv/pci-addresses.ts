import type { ControllerDef, DeviceDef, DomainDef } from '@virtkit/core';
import { isQ35 } from './implicit-devices.js';
import type { PciAddress } from './qemu-command.js';
import { soundWantsPci } from './sound.js';

const SLOTS_PER_BUS = 32;
const FUNCTIONS_PER_SLOT = 8;

function genericName(dev: DeviceDef): string | undefined {
  return dev.kind === 'generic' ? dev.element.name : undefined;
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
        ['virtio-serial', 'scsi'].includes(dev.type) ||
        (dev.type === 'usb' && dev.model !== 'none') ||
        isRootPort(dev)
      );
    case 'filesystem':
      return true;
    case 'input':
      return dev.bus === 'virtio';
    case 'generic': {
      const name = genericName(dev);
      if (name === 'memballoon') return dev.element.attrs.model === 'virtio';
      if (name === 'watchdog') return dev.element.attrs.model === 'i6300esb';
      if (name === 'sound') return soundWantsPci(dev.element);
      return name === 'rng';
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
      const order: Record<string, number> = { sound: 4, memballoon: 8, rng: 9, watchdog: 10 };
      return order[genericName(dev) ?? ''] ?? 20;
    }
  }
}

function busAlias(bus: number, root: string): string {
  return bus === 0 ? root : `pci.${bus}`;
}

function explicitPci(dev: DeviceDef, root: string): PciAddress | undefined {
  const address = 'info' in dev ? dev.info.address : undefined;
  if (address?.type !== 'pci') return undefined;
  const num = (key: string): number => Number(address.attrs[key] ?? 0);
  return {
    bus: busAlias(num('bus'), root),
    slot: num('slot'),
    function: num('function'),
    ...(address.attrs.multifunction === 'on' && { multifunction: true }),
  };
}

/** The PIIX3's own USB function takes the first USB controller when no address is given. */
function isPiix3Usb(dev: DeviceDef): boolean {
  return (
    dev.kind === 'controller' &&
    dev.type === 'usb' &&
    dev.index === 0 &&
    (dev.model ?? 'piix3-uhci') === 'piix3-uhci'
  );
}

export interface PciLayout {
  /** The devices, with any PCIe root ports libvirt had to add. */
  devices: DeviceDef[];
  addresses: Map<DeviceDef, PciAddress>;
}

/** Devices without an address that need a PCI slot, in libvirt's assignment order. */
function pendingDevices(def: DomainDef, addresses: Map<DeviceDef, PciAddress>): DeviceDef[] {
  const primaryVideo = def.devices.find((d) => d.kind === 'video');
  const pending = def.devices
    .map((dev, i) => ({ dev, i }))
    .filter(({ dev }) => !addresses.has(dev) && !('info' in dev && dev.info.address) && wantsPci(dev));
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
 * i440fx: every device gets its own slot on pci.0; slot 1 is the PIIX3 (IDE, USB, ACPI). Q35:
 * the primary video is integrated on pcie.0, everything else gets a pcie-root-port of its own,
 * plus one spare for hotplug, the ports packed as functions of the lowest free root slots.
 */
export function assignPciAddresses(def: DomainDef, machine: string): PciLayout {
  const q35 = isQ35(machine);
  const root = q35 ? 'pcie.0' : 'pci.0';
  const addresses = new Map<DeviceDef, PciAddress>();
  const used = new Set<number>();
  for (const dev of def.devices) {
    const addr = explicitPci(dev, root);
    if (!addr) continue;
    addresses.set(dev, addr);
    if (addr.bus === root) used.add(addr.slot);
  }
  const pending = pendingDevices(def, addresses);
  if (!q35) {
    for (const dev of pending) {
      addresses.set(
        dev,
        isPiix3Usb(dev)
          ? { bus: root, slot: 1, function: 2 }
          : { bus: root, slot: freeSlot(used, 2), function: 0 },
      );
    }
    return { devices: def.devices, addresses };
  }
  const primaryVideo = pending[0]?.kind === 'video' ? pending.shift() : undefined;
  if (primaryVideo) addresses.set(primaryVideo, { bus: root, slot: freeSlot(used, 1), function: 0 });
  return { devices: [...def.devices, ...placeOnRootPorts(def, pending, addresses, used)], addresses };
}

function isRootPort(dev: DeviceDef): dev is ControllerDef {
  return dev.kind === 'controller' && dev.model === 'pcie-root-port';
}

/**
 * Q35 devices each go behind a root port of their own: the XML's free ones first, then new
 * ones. Ports without an address are packed as the functions of the lowest free pcie.0 slots,
 * and one port is always left free so something can be hotplugged later.
 */
function placeOnRootPorts(
  def: DomainDef,
  pending: DeviceDef[],
  addresses: Map<DeviceDef, PciAddress>,
  used: Set<number>,
): ControllerDef[] {
  const existing = def.devices.filter(isRootPort);
  const devices = pending.filter((d) => !isRootPort(d));
  const occupied = new Set([...addresses.values()].map((a) => a.bus));
  const free = existing.filter((p) => !occupied.has(`pci.${p.index}`));
  const taken = def.devices
    .filter((d): d is ControllerDef => d.kind === 'controller' && d.type === 'pci')
    .map((c) => c.index);
  let nextIndex = Math.max(0, ...taken) + 1;
  const added: ControllerDef[] = [];
  let slot = -1;
  let fn = FUNCTIONS_PER_SLOT;
  const addressPort = (port: ControllerDef): void => {
    if (fn === FUNCTIONS_PER_SLOT) {
      slot = freeSlot(used, 1);
      fn = 0;
    }
    addresses.set(port, { bus: 'pcie.0', slot, function: fn, ...(fn === 0 && { multifunction: true }) });
    fn++;
  };
  const newPort = (): ControllerDef => {
    const port: ControllerDef = {
      kind: 'controller',
      type: 'pci',
      index: nextIndex++,
      model: 'pcie-root-port',
      info: {},
    };
    added.push(port);
    return port;
  };
  for (const dev of devices) {
    const port = free.shift() ?? newPort();
    addresses.set(dev, { bus: `pci.${port.index}`, slot: 0, function: 0 });
  }
  if (devices.length > 0 && free.length === 0) newPort();
  for (const port of [...existing, ...added]) if (!addresses.has(port)) addressPort(port);
  return added;
}
