import { execa } from 'execa';

/**
 * iproute2, run with an argv array (never a shell). Node has no ioctl, so the TUNSETIFF and
 * SIOCBRADDIF calls libvirt makes itself go through `ip`; every name follows a `dev`/`master`
 * keyword so that one starting with `-` is never read as an option.
 */
async function ip(args: string[]): Promise<void> {
  await execa('ip', args, { stdin: 'ignore' });
}

/** Creates persistent tap `name` (fails if any link of that name exists). */
export function addTap(name: string): Promise<void> {
  return ip(['tuntap', 'add', 'dev', name, 'mode', 'tap']);
}

export function setLinkUp(name: string): Promise<void> {
  return ip(['link', 'set', 'dev', name, 'up']);
}

export function setLinkMtu(name: string, mtu: number): Promise<void> {
  return ip(['link', 'set', 'dev', name, 'mtu', String(mtu)]);
}

export function setLinkAddress(name: string, mac: string): Promise<void> {
  return ip(['link', 'set', 'dev', name, 'address', mac]);
}

/** Ports `name` on bridge `bridge`. */
export function setLinkMaster(name: string, bridge: string): Promise<void> {
  return ip(['link', 'set', 'dev', name, 'master', bridge]);
}

/** Deletes link `name`; one that is already gone is fine. */
export async function deleteLink(name: string): Promise<void> {
  await ip(['link', 'del', 'dev', name]).catch(async (error: unknown) => {
    if (await linkExists(name)) throw error;
  });
}

export async function linkExists(name: string): Promise<boolean> {
  const result = await execa('ip', ['link', 'show', 'dev', name], { reject: false, stdin: 'ignore' });
  return result.exitCode === 0;
}
