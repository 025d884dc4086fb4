import type { DeviceDef, DomainDef } from '@virtkit/core';

/** Whether a device plugs into a USB port. */
function onUsb(dev: DeviceDef): boolean {
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
 * `bus`/`port` of each USB device on the first controller's root hub: the XML's address, else
 * the next free port.
 */
export function assignUsbPorts(def: DomainDef): Map<DeviceDef, { bus: string; port: string }> {
  const out = new Map<DeviceDef, { bus: string; port: string }>();
  const usb = def.devices.filter(onUsb);
  const taken = new Set(
    usb.flatMap((d) => ('info' in d && d.info.address?.type === 'usb' ? [d.info.address.attrs.port] : [])),
  );
  let next = 1;
  for (const kind of USB_KIND_ORDER) {
    for (const dev of usb.filter((d) => kindName(d) === kind)) {
      const address = 'info' in dev && dev.info.address?.type === 'usb' ? dev.info.address.attrs : undefined;
      if (address?.port !== undefined) {
        out.set(dev, { bus: `usb.${address.bus ?? 0}`, port: address.port });
        continue;
      }
      while (taken.has(String(next))) next++;
      taken.add(String(next));
      out.set(dev, { bus: 'usb.0', port: String(next) });
    }
  }
  return out;
}
