import type { ControllerDef } from '@virtkit/core';
import { formatJson } from './option-syntax.js';
import { type ArgvContext, type PciAddress, pciDeviceProps } from './qemu-command.js';
import { driverAttrs, virtioOptionProps } from './virtio-options.js';

/** USB controller models and their QEMU device names. */
const USB_DEVICES: Record<string, string> = {
  'piix3-uhci': 'piix3-usb-uhci',
  'piix4-uhci': 'piix4-usb-uhci',
  ehci: 'usb-ehci',
  'ich9-ehci1': 'ich9-usb-ehci1',
  'vt82c686b-uhci': 'vt82c686b-usb-uhci',
  'nec-xhci': 'nec-usb-xhci',
  'qemu-xhci': 'qemu-xhci',
};

const SCSI_DEVICES: Record<string, string> = {
  lsilogic: 'lsi',
  'virtio-scsi': 'virtio-scsi-pci',
  lsisas1068: 'mptsas1068',
  lsisas1078: 'megasas',
};

/** QEMU device and id of a controller, or undefined for built-in ones (IDE, FDC, PCI root). */
function controllerDevice(ctrl: ControllerDef): { driver: string; id: string } | undefined {
  switch (ctrl.type) {
    case 'usb': {
      const driver = USB_DEVICES[ctrl.model ?? 'piix3-uhci'];
      return driver ? { driver, id: ctrl.index === 0 ? 'usb' : `usb${ctrl.index}` } : undefined;
    }
    case 'scsi': {
      const driver = SCSI_DEVICES[ctrl.model ?? 'lsilogic'];
      return driver ? { driver, id: `scsi${ctrl.index}` } : undefined;
    }
    case 'pci':
      return ctrl.model === 'pcie-root-port'
        ? { driver: 'pcie-root-port', id: `pci.${ctrl.index}` }
        : undefined;
    case 'virtio-serial':
      return { driver: 'virtio-serial-pci', id: `virtio-serial${ctrl.index}` };
    default:
      return undefined;
  }
}

/** xHCI controllers expose `ports` as both their USB 2 and USB 3 port counts. */
function xhciPorts(ctrl: ControllerDef): { p2?: number; p3?: number } {
  const ports = ctrl.rest?.attrs.ports;
  return ctrl.model?.endsWith('xhci') && ports !== undefined ? { p2: Number(ports), p3: Number(ports) } : {};
}

/** virtio-scsi queue tuning from `<driver>`, XML attribute to QEMU property. */
const VIRTIO_SCSI_TUNING: [string, string][] = [
  ['queues', 'num_queues'],
  ['cmd_per_lun', 'cmd_per_lun'],
  ['max_sectors', 'max_sectors'],
];

function scsiTuning(ctrl: ControllerDef): Record<string, number> {
  if (ctrl.model !== 'virtio-scsi') return {};
  const attrs = driverAttrs(ctrl);
  return Object.fromEntries(
    VIRTIO_SCSI_TUNING.flatMap(([xml, qemu]) =>
      attrs[xml] === undefined ? [] : [[qemu, Number(attrs[xml])]],
    ),
  );
}

/** A root port's PCIe port number follows its own slot/function; its chassis is its index. */
function rootPortProps(
  ctrl: ControllerDef,
  address: PciAddress | undefined,
): { port: number; chassis: number } {
  const target = ctrl.rest?.children.find((c) => c.name === 'target')?.attrs;
  const port = target?.port ?? (address ? address.slot * 8 + address.function : 0);
  return { port: Number(port), chassis: Number(target?.chassis ?? ctrl.index) };
}

/** Controller types in the order libvirt emits them, so buses exist before their users. */
const TYPE_ORDER = ['pci', 'usb', 'scsi', 'ide', 'sata', 'fdc', 'ccid', 'isa', 'virtio-serial', 'xenbus'];

export function controllerArgs(ctx: ArgvContext): string[] {
  const controllers = ctx.def.devices.filter((dev) => dev.kind === 'controller');
  return TYPE_ORDER.flatMap((type) =>
    controllers
      .filter((dev) => dev.type === type)
      .flatMap((dev) => {
        const device = controllerDevice(dev);
        if (!device) return [];
        const address = ctx.pciAddress.get(dev);
        const props = {
          driver: device.driver,
          ...virtioOptionProps(dev),
          ...(dev.model === 'pcie-root-port' && rootPortProps(dev, address)),
          ...xhciPorts(dev),
          id: dev.info.alias ?? device.id,
          ...scsiTuning(dev),
          hotplug:
            dev.rest?.children.find((c) => c.name === 'target')?.attrs.hotplug === 'off' ? false : undefined,
          ...pciDeviceProps(address),
        };
        return ['-device', formatJson(props)];
      }),
  );
}
