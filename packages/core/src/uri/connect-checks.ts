import { VirtError } from '../errors/index.js';
import { getUriParam, type VirtUri } from './virt-uri.js';

// Drivers whose URIs need a path such as /system, where `qemu://system` is a likely typo.
const PATH_DRIVERS = new Set(['qemu', 'vbox', 'vz']);

/**
 * The checks virConnectOpen makes on a parsed URI before choosing a driver:
 * the `qemu://system` typo, and the embedded-mode (`/embed?root=DIR`) rules.
 */
export function checkConnectUri(uri: VirtUri, text: string): void {
  if (PATH_DRIVERS.has(uri.scheme) && (uri.host === 'system' || uri.host === 'session')) {
    throw new VirtError(
      'INTERNAL_ERROR',
      `invalid URI ${text} (maybe you want ${uri.scheme}:///${uri.host})`,
    );
  }
  if (uri.path !== '/embed') return;
  if (!/^[a-z]+$/.test(uri.scheme)) {
    throw new VirtError('NO_CONNECT', `URI scheme '${uri.scheme}' for embedded driver is not valid`);
  }
  const root = getUriParam(uri, 'root');
  if (root === undefined)
    throw new VirtError('INVALID_ARG', "Missing URI parameter 'root'", { domain: 'URI' });
  if (!root.startsWith('/')) throw new VirtError('CONFIG_UNSUPPORTED', 'root path must be absolute');
}
