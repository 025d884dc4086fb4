import type { DeviceDef, DomainDef } from '@virtkit/core';
import { controllers } from './device-list.js';

/** Whether a device plugs into a USB port. */
export function onUsb(dev: DeviceDef): boolean {
  if (dev.kind === 'input') return dev.bus === 'usb';
  if (dev.kind === 'disk') return dev.target.bus === 'usb';
  if (dev.kind !== 'generic') return false;
  const { name, attrs } = dev.element;
  return (
    name === 'redirdev' ||
    (name === 'hostdev' && attrs.type === 'usb') ||
    (name === 'sound' && attrs.model === 'usb')
  );
}

/** The order libvirt walks USB devices in when handing out ports (virDomainUSBDeviceDefForeach). */
const USB_KIND_ORDER = ['input', 'sound', 'disk', 'hostdev', 'redirdev'];

function kindName(dev: DeviceDef): string {
  return dev.kind === 'generic' ? dev.element.name : dev.kind;
}

/**
 * Gives each USB device without an address the next free port of the first controller's root hub
 * (qemuDomainAssignUSBAddresses), unless the domain has no USB at all.
 */
export function assignUsbAddresses(def: DomainDef): void {
  const usb = def.devices.filter(onUsb);
  const hub = controllers(def.devices, 'usb').find((c) => c.index === 0);
  if (!hub || hub.model === 'none') return;
  const taken = new Set(
    usb.flatMap((d) => ('info' in d && d.info.address?.type === 'usb' ? [d.info.address.attrs.port] : [])),
  );
  let next = 1;
  for (const kind of USB_KIND_ORDER) {
    for (const dev of usb.filter((d) => kindName(d) === kind)) {
      if (!('info' in dev) || dev.info.address) continue;
      while (taken.has(String(next))) next++;
      taken.add(String(next));
      dev.info.address = { type: 'usb', attrs: { bus: '0', port: String(next) } };
    }
  }
}
