import type { DeviceDef, DomainDef } from '@virtkit/core';
import { onUsb } from '../define/usb-addresses.js';

/** `bus`/`port` of each USB device of an address-assigned definition (see src/define). */
export function usbPortsOf(def: DomainDef): Map<DeviceDef, { bus: string; port: string }> {
  const out = new Map<DeviceDef, { bus: string; port: string }>();
  for (const dev of def.devices.filter(onUsb)) {
    const address = 'info' in dev && dev.info.address?.type === 'usb' ? dev.info.address.attrs : undefined;
    if (address?.port !== undefined) out.set(dev, { bus: `usb.${address.bus ?? 0}`, port: address.port });
  }
  return out;
}
