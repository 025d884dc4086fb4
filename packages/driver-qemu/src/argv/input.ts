import { formatJson } from './option-syntax.js';
import { type ArgvContext, pciDeviceProps } from './qemu-command.js';
import { virtioOptionProps } from './virtio-options.js';

/** QEMU devices per input bus and type; PS/2 devices are built into the PC and need none. */
const INPUT_DEVICES: Record<string, Record<string, string>> = {
  usb: { mouse: 'usb-mouse', tablet: 'usb-tablet', keyboard: 'usb-kbd' },
  virtio: {
    mouse: 'virtio-mouse-pci',
    tablet: 'virtio-tablet-pci',
    keyboard: 'virtio-keyboard-pci',
    passthrough: 'virtio-input-host-pci',
  },
};

export function inputArgs(ctx: ArgvContext): string[] {
  const args: string[] = [];
  let n = 0;
  for (const dev of ctx.def.devices) {
    if (dev.kind !== 'input') continue;
    const id = `input${n++}`;
    const driver = INPUT_DEVICES[dev.bus ?? '']?.[dev.type];
    if (!driver) continue;
    const evdev = dev.rest?.children.find((c) => c.name === 'source')?.attrs.evdev;
    const placement = dev.bus === 'usb' ? ctx.usbPort.get(dev) : pciDeviceProps(ctx.pciAddress.get(dev));
    args.push('-device', formatJson({ driver, ...virtioOptionProps(dev), id, evdev, ...placement }));
  }
  return args;
}
