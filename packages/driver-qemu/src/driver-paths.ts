import { isAbsolute, join } from 'node:path';
import { getUriParam, VirtError, type VirtUri } from '@virtkit/core';

/** Where one QEMU driver instance keeps its files, as libvirt's virQEMUDriverConfig does. */
export interface QemuDriverPaths {
  /** Persistent domain XML (libvirt's /etc/libvirt/qemu). */
  readonly configDir: string;
  /** Status of running domains, monitor sockets, pidfiles (libvirt's /run/libvirt/qemu). */
  readonly stateDir: string;
  /** Per-domain data that outlives a run, e.g. NVRAM (libvirt's /var/lib/libvirt/qemu). */
  readonly libDir: string;
  /** The probed-capabilities cache (libvirt's /var/cache/libvirt/qemu). */
  readonly cacheDir: string;
  /** One log per domain (libvirt's /var/log/libvirt/qemu). */
  readonly logDir: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function embedPaths(root: string): QemuDriverPaths {
  return {
    configDir: join(root, 'etc', 'qemu'),
    stateDir: join(root, 'run', 'qemu'),
    libDir: join(root, 'lib', 'qemu'),
    cacheDir: join(root, 'cache', 'qemu'),
    logDir: join(root, 'log', 'qemu'),
  };
}

const SYSTEM_PATHS: QemuDriverPaths = {
  configDir: '/etc/virtkit/qemu',
  stateDir: '/run/virtkit/qemu',
  libDir: '/var/lib/virtkit/qemu',
  cacheDir: '/var/cache/virtkit/qemu',
  logDir: '/var/log/virtkit/qemu',
};

/** Per-user directories under the XDG base directories, as libvirt's session driver uses them. */
function sessionPaths(env: Env): QemuDriverPaths {
  const home = env.HOME;
  if (!home) throw new VirtError('INTERNAL_ERROR', 'Cannot find the user home directory (HOME is not set)');
  const config = join(env.XDG_CONFIG_HOME || join(home, '.config'), 'virtkit', 'qemu');
  const cache = join(env.XDG_CACHE_HOME || join(home, '.cache'), 'virtkit', 'qemu');
  const runtime = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'virtkit', 'qemu') : join(cache, 'run');
  return {
    configDir: config,
    stateDir: join(runtime, 'run'),
    libDir: join(config, 'lib'),
    cacheDir: join(cache, 'cache'),
    logDir: join(cache, 'log'),
  };
}

/**
 * The directories for a `qemu:` URI: `/system` (root's), `/session` (the user's) or
 * `/embed?root=DIR` (everything under DIR, libvirt's embedded driver). Other paths are
 * refused with qemuConnectOpen's hint for the caller's privilege.
 */
export function qemuDriverPaths(uri: VirtUri, env: Env, privileged: boolean): QemuDriverPaths {
  switch (uri.path) {
    case '/system':
      return SYSTEM_PATHS;
    case '/session':
      return sessionPaths(env);
    case '/embed': {
      const root = getUriParam(uri, 'root');
      if (!root || !isAbsolute(root)) {
        throw new VirtError('INVALID_ARG', 'URI must be qemu:///embed?root=/some/path');
      }
      return embedPaths(root);
    }
    default:
      throw new VirtError(
        'INTERNAL_ERROR',
        `unexpected QEMU URI path '${uri.path}', try qemu:///${privileged ? 'system' : 'session'}`,
        { domain: 'QEMU' },
      );
  }
}
