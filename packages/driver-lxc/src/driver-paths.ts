import { isAbsolute, join } from 'node:path';
import { getUriParam, VirtError, type VirtUri } from '@virtkit/core';

/** Where one LXC driver instance keeps its files, as libvirt's virLXCDriverConfig does. */
export interface LxcDriverPaths {
  /** Persistent domain XML (libvirt's /etc/libvirt/lxc). */
  readonly configDir: string;
  /** Status of running containers and their run directories (libvirt's /run/libvirt/lxc). */
  readonly stateDir: string;
  /** One log per container (libvirt's /var/log/libvirt/lxc). */
  readonly logDir: string;
}

const SYSTEM_PATHS: LxcDriverPaths = {
  configDir: '/etc/virtkit/lxc',
  stateDir: '/run/virtkit/lxc',
  logDir: '/var/log/virtkit/lxc',
};

function embedPaths(root: string): LxcDriverPaths {
  return {
    configDir: join(root, 'etc', 'lxc'),
    stateDir: join(root, 'run', 'lxc'),
    logDir: join(root, 'log', 'lxc'),
  };
}

/** A container's run directory: the controller's sockets, live.xml, setup files, exit.json. */
export function runDirOf(paths: LxcDriverPaths, name: string): string {
  return join(paths.stateDir, 'run', name);
}

export function logPathOf(paths: LxcDriverPaths, name: string): string {
  return join(paths.logDir, `${name}.log`);
}

/** The canonical form of an `lxc:` URI's path: `lxc:///` is the system driver as libvirt treats it. */
export function canonicalLxcPath(uri: VirtUri): string {
  return uri.path === '' || uri.path === '/' ? '/system' : uri.path;
}

/**
 * The directories for an `lxc:` URI: `/system` (also `/` and empty, as lxcConnectOpen accepts) or
 * `/embed?root=DIR` (everything under DIR). The system driver is root's alone: libvirt's LXC driver
 * does not initialise unprivileged, so no driver answers the URI.
 */
export function lxcDriverPaths(uri: VirtUri, privileged: boolean): LxcDriverPaths {
  switch (canonicalLxcPath(uri)) {
    case '/system':
      if (!privileged) {
        throw new VirtError('NO_CONNECT', 'lxc:///system');
      }
      return SYSTEM_PATHS;
    case '/embed': {
      const root = getUriParam(uri, 'root');
      if (!root || !isAbsolute(root))
        throw new VirtError('INVALID_ARG', 'URI must be lxc:///embed?root=/some/path');
      return embedPaths(root);
    }
    default:
      throw new VirtError('INTERNAL_ERROR', `Unexpected LXC URI path '${uri.path}', try lxc:///system`, {
        domain: 'LXC',
      });
  }
}
