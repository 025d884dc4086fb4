import type { ChardevDef, DeviceDef } from '@virtkit/core';

/** The QEMU device behind each serial target type of a PC (qemuDomainChrTargetDefaultModel). */
const SERIAL_MODELS: Record<string, string> = {
  'isa-serial': 'isa-serial',
  'usb-serial': 'usb-serial',
  'pci-serial': 'pci-serial',
};

/** A PC's serial port is an ISA 16550 unless the XML says otherwise, and names its model. */
function fillSerialTarget(serial: ChardevDef): void {
  const target = { ...serial.target };
  target.type ??= 'isa-serial';
  const model = SERIAL_MODELS[target.type];
  const children = target.rest?.children ?? [];
  if (model && !children.some((c) => c.name === 'model')) {
    target.rest = {
      attrs: target.rest?.attrs ?? {},
      children: [...children, { name: 'model', attrs: { name: model }, children: [] }],
    };
  }
  serial.target = target;
}

function isVirtioSerialPort(dev: DeviceDef): dev is ChardevDef {
  return (dev.kind === 'channel' || dev.kind === 'console') && dev.target?.type === 'virtio';
}

/**
 * Ports of virtio-serial controller 0 for virtio channels and consoles without an address
 * (virDomainVirtioSerialAddrAutoAssign): the lowest free one, port 0 being kept for a console.
 */
function assignVirtioSerialPorts(devices: DeviceDef[]): void {
  const ports = devices.filter(isVirtioSerialPort);
  const taken = new Set(
    ports.flatMap((d) =>
      d.info.address?.type === 'virtio-serial' ? [Number(d.info.address.attrs.port)] : [],
    ),
  );
  for (const dev of ports) {
    if (dev.info.address) continue;
    let port = dev.kind === 'console' ? 0 : 1;
    while (taken.has(port)) port++;
    taken.add(port);
    dev.info.address = { type: 'virtio-serial', attrs: { controller: '0', bus: '0', port: String(port) } };
  }
}

/** qemuDomainChrDefPostParse and the virtio-serial part of address assignment. */
export function fillChardevDefaults(devices: DeviceDef[]): void {
  for (const dev of devices) if (dev.kind === 'serial') fillSerialTarget(dev);
  assignVirtioSerialPorts(devices);
}
