import { VirtError } from '@virtkit/core';
import { linkExists } from './ip-link.js';

/** Linux's IFNAMSIZ less the terminating NUL. */
const MAX_NAME_LENGTH = 15;
const PREFIX = 'vnet';

/**
 * Refuses a `<target dev>` the kernel would not take, with the texts libvirt's virNetDevTapCreate
 * reports (its strcpy into ifr_name, then TUNSETIFF's EINVAL).
 */
export function checkTapName(name: string): void {
  if (name.length > MAX_NAME_LENGTH)
    throw new VirtError(
      'SYSTEM_ERROR',
      `Network interface name '${name}' is too long: Numerical result out of range`,
    );
  // The kernel's dev_valid_name(): not empty, not a path component, no separators or spaces.
  if (name === '' || name === '.' || name === '..' || /[/:\s]/.test(name))
    throw new VirtError('SYSTEM_ERROR', `Unable to create tap device ${name}: Invalid argument`);
}

/** The last vnetN handed out by this process; names go up from it, as virNetDevGenerateName does. */
let lastUsed = -1;
/** Names handed out but perhaps not created yet, so that concurrent starts never collide. */
const reserved = new Set<string>();

/** The next free `vnetN` (one no link on the host has), reserved until `releaseTapName`. */
export async function reserveTapName(): Promise<string> {
  for (;;) {
    lastUsed = lastUsed >= 2 ** 31 - 1 ? 0 : lastUsed + 1;
    const name = `${PREFIX}${lastUsed}`;
    if (reserved.has(name)) continue;
    reserved.add(name);
    if (!(await linkExists(name))) return name;
    reserved.delete(name);
  }
}

export function releaseTapName(name: string): void {
  reserved.delete(name);
}
