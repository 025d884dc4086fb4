import { bootIndexes } from './boot.js';
import { netdevArgs, netdevOption } from './netdev-backend.js';
import { nicDeviceProps } from './nic-device.js';
import { formatJson } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';

/** Each interface's backend (`-netdev host<alias>`) followed by its NIC (qemuBuildNetCommandLine). */
export function networkArgs(ctx: ArgvContext): string[] {
  const args: string[] = [];
  const boot = bootIndexes(ctx);
  let fdsets = 0;
  const interfaces = ctx.def.devices.filter((dev) => dev.kind === 'interface');
  interfaces.forEach((net, n) => {
    const alias = net.info.alias ?? `net${n}`;
    const netdev = netdevArgs(net, alias, ctx, fdsets);
    if (net.type === 'vdpa') fdsets++;
    args.push(...netdevOption(netdev));
    const device = nicDeviceProps(net, alias, boot.get(net), ctx.pciAddress.get(net));
    args.push('-device', formatJson(device));
  });
  return args;
}
