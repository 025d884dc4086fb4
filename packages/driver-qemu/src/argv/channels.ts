import type { ChardevDef } from '@virtkit/core';
import { chardevValue } from './chardev-backend.js';
import { formatJson } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';
import { unsupported } from './unsupported.js';

/** The virtio-serial port a channel sits on: its address, else the next free one (port 0 is the console's). */
function virtioSerialPlacement(chr: ChardevDef, nextPort: Map<number, number>): { bus: string; nr: number } {
  const addr = chr.info.address?.type === 'virtio-serial' ? chr.info.address.attrs : {};
  const controller = Number(addr.controller ?? 0);
  const nr = addr.port === undefined ? (nextPort.get(controller) ?? 1) : Number(addr.port);
  nextPort.set(controller, Math.max(nextPort.get(controller) ?? 1, nr + 1));
  return { bus: `virtio-serial${controller}.${addr.bus ?? 0}`, nr };
}

/** Guest channels: a chardev each, exposed as a named virtio-serial port. */
export function channelArgs(ctx: ArgvContext): string[] {
  const args: string[] = [];
  const nextPort = new Map<number, number>();
  let n = 0;
  for (const dev of ctx.def.devices) {
    if (dev.kind !== 'channel') continue;
    if (dev.target?.type !== 'virtio') throw unsupported(`channel target type '${dev.target?.type}'`);
    const chardev = `charchannel${n}`;
    args.push('-chardev', chardevValue(dev.source, chardev, ctx));
    const port = {
      driver: 'virtserialport',
      ...virtioSerialPlacement(dev, nextPort),
      chardev,
      id: `channel${n}`,
      name: dev.target.name,
    };
    args.push('-device', formatJson(port));
    n++;
  }
  return args;
}
