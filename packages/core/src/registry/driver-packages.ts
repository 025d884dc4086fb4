import { VirtError } from '../errors/index.js';
import type { VirtUri } from '../uri/index.js';

/** The package serving each local URI scheme. */
export const DRIVER_PACKAGES: Readonly<Record<string, string>> = {
  test: '@virtkit/driver-test',
  qemu: '@virtkit/driver-qemu',
  lxc: '@virtkit/driver-lxc',
  xen: '@virtkit/driver-xen',
  esx: '@virtkit/driver-esx',
  gsx: '@virtkit/driver-esx',
  vpx: '@virtkit/driver-esx',
  hyperv: '@virtkit/driver-hyperv',
  vbox: '@virtkit/driver-vbox',
};

/**
 * Schemes whose drivers keep state (monitors, guests to watch, a lock on their state directory):
 * served by the daemon, which opens each of their URIs once, as libvirtd its stateful drivers.
 */
export const STATEFUL_SCHEMES: ReadonlySet<string> = new Set(['qemu', 'lxc']);

/** The key under which the remote transport is found, among drivers and packages. */
export const REMOTE = 'remote';
export const REMOTE_PACKAGE = '@virtkit/remote';

// These drivers talk to a remote host themselves (libvirt's remoteOnly drivers), so a host does not mean remote.
const HOST_DRIVERS = new Set(['esx', 'gsx', 'vpx', 'hyperv']);

/**
 * Which driver serves `uri`: `remote` for a transport (`qemu+ssh`) or a host on a
 * local-only driver (`qemu://host/system`), else the scheme itself.
 */
export function driverKeyFor(uri: VirtUri): string {
  if (uri.transport !== undefined) return REMOTE;
  if (HOST_DRIVERS.has(uri.scheme)) {
    if (uri.host === undefined) throw new VirtError('INVALID_ARG', 'URI is missing the server part');
    return uri.scheme;
  }
  return uri.host === undefined ? uri.scheme : REMOTE;
}

/** The package to import for a driver key, or undefined for a scheme nobody serves. */
export function packageFor(key: string): string | undefined {
  return key === REMOTE ? REMOTE_PACKAGE : DRIVER_PACKAGES[key];
}
