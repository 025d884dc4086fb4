import type { InterfaceDef } from '@virtkit/core';
import { bootIndexes } from './boot.js';
import { formatJson } from './option-syntax.js';
import { type ArgvContext, pciDeviceProps } from './qemu-command.js';
import { unsupported } from './unsupported.js';
import { virtioOptionProps } from './virtio-options.js';

/** NIC models whose QEMU device name differs from the model name. */
const NIC_DEVICES: Record<string, string> = { virtio: 'virtio-net-pci' };
/** What an i440fx guest gets when the XML names no model. */
const DEFAULT_NIC_MODEL = 'rtl8139';

function netdevProps(net: InterfaceDef, id: string): Record<string, string> {
  // Only backends that need no host resources (tap fds, bridges) are expressible so far.
  if (net.type === 'user') return { type: 'user', id };
  throw unsupported(`interface type '${net.type}'`);
}

export function networkArgs(ctx: ArgvContext): string[] {
  const args: string[] = [];
  const boot = bootIndexes(ctx);
  let n = 0;
  for (const dev of ctx.def.devices) {
    if (dev.kind !== 'interface') continue;
    const netdev = `hostnet${n}`;
    const model = dev.model ?? DEFAULT_NIC_MODEL;
    args.push('-netdev', formatJson(netdevProps(dev, netdev)));
    const device = {
      driver: NIC_DEVICES[model] ?? model,
      ...virtioOptionProps(dev),
      netdev,
      id: dev.info.alias ?? `net${n}`,
      mac: dev.mac,
      bootindex: boot.get(dev),
      ...pciDeviceProps(ctx.pciAddress.get(dev)),
    };
    args.push('-device', formatJson(device));
    n++;
  }
  return args;
}
