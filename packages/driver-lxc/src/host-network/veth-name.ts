import { randomBytes } from 'node:crypto';
import { VirtError } from '@virtkit/core';
import { linkExists } from './ip-command.js';

/** Linux's IFNAMSIZ less the terminating NUL. */
const MAX_NAME_LENGTH = 15;

/**
 * The first `vethN` no link on the host has and `taken` does not hold (libvirt's veth naming,
 * checked against /sys/class/net).
 */
export async function freeVethName(taken: ReadonlySet<string> = new Set()): Promise<string> {
  for (let n = 0; ; n++) {
    const name = `veth${n}`;
    if (!taken.has(name) && !(await linkExists(name))) return name;
  }
}

/** A name for the container end while it is still on the host: random, so that no two runs collide. */
export function temporaryPeerName(): string {
  return `vkp${randomBytes(5).toString('hex')}`;
}

/** Refuses an interface name the kernel would not take (dev_valid_name), with libvirt's texts. */
export function checkLinkName(name: string): void {
  if (name.length > MAX_NAME_LENGTH)
    throw new VirtError(
      'SYSTEM_ERROR',
      `Network interface name '${name}' is too long: Numerical result out of range`,
      { domain: 'LXC' },
    );
  if (name === '' || name === '.' || name === '..' || /[/:\s]/.test(name))
    throw new VirtError('INTERNAL_ERROR', `invalid network interface name '${name}'`, { domain: 'LXC' });
}
