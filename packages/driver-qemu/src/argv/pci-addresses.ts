import type { DeviceDef, DomainDef } from '@virtkit/core';
import { isQ35 } from '../define/index.js';
import type { PciAddress } from './qemu-command.js';

/**
 * The PCI placement of each device of an address-assigned definition (see src/define), with
 * buses named by their QEMU alias: the root complex, else `pci.N` for the bus behind controller N.
 */
export function pciAddressesOf(def: DomainDef, machine: string): Map<DeviceDef, PciAddress> {
  const root = isQ35(machine) ? 'pcie.0' : 'pci.0';
  const out = new Map<DeviceDef, PciAddress>();
  for (const dev of def.devices) {
    const address = 'info' in dev ? dev.info.address : undefined;
    if (address?.type !== 'pci') continue;
    const num = (key: string): number => Number(address.attrs[key] ?? 0);
    out.set(dev, {
      bus: num('bus') === 0 ? root : `pci.${num('bus')}`,
      slot: num('slot'),
      function: num('function'),
      ...(address.attrs.multifunction === 'on' && { multifunction: true }),
    });
  }
  return out;
}
