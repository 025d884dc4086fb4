import { formatJson } from './option-syntax.js';
import { type ArgvContext, pciDeviceProps } from './qemu-command.js';
import { virtioOptionProps } from './virtio-options.js';

export function balloonArgs(ctx: ArgvContext): string[] {
  const dev = ctx.def.devices.find((d) => d.kind === 'generic' && d.element.name === 'memballoon');
  if (dev?.kind !== 'generic' || dev.element.attrs.model !== 'virtio') return [];
  const props = {
    driver: 'virtio-balloon-pci',
    ...virtioOptionProps(dev),
    id: 'balloon0',
    ...pciDeviceProps(ctx.pciAddress.get(dev)),
  };
  return ['-device', formatJson(props)];
}
