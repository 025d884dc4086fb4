import { join, normalize } from 'node:path';
import { DAEMON_SOCKETS, defaultDaemonRunDir } from '@virtkit/remote';

/** Where one virtkitd keeps its sockets, lock and TLS files, and where its stateful drivers live. */
export interface DaemonPaths {
  readonly runDir: string;
  readonly rwSocket: string;
  readonly roSocket: string;
  /** The pki files of libvirtd's --listen: CA certificate, server certificate, server key. */
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** The root qemu:///system is served from, or undefined for the driver's own system/session paths. */
  readonly qemuRoot: string | undefined;
  /** The root lxc:///system is served from, or undefined for the driver's own system paths. */
  readonly lxcRoot: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

function pki(base: string): Pick<DaemonPaths, 'caCert' | 'serverCert' | 'serverKey'> {
  return {
    caCert: join(base, 'CA', 'cacert.pem'),
    serverCert: join(base, 'libvirt', 'servercert.pem'),
    serverKey: join(base, 'libvirt', 'private', 'serverkey.pem'),
  };
}

function inRunDir(runDir: string) {
  const [rw, ro] = DAEMON_SOCKETS;
  return { runDir, rwSocket: join(runDir, rw), roSocket: join(runDir, ro) };
}

/**
 * libvirtd's layout: root's sockets in /run/virtkit, a user's under $XDG_RUNTIME_DIR/virtkit;
 * `--root DIR` moves everything under DIR so tests and side-by-side daemons never meet.
 */
export function daemonPaths(root: string | undefined, env: Env, privileged: boolean): DaemonPaths {
  if (root !== undefined) {
    return {
      ...inRunDir(join(root, 'run')),
      ...pki(join(root, 'pki')),
      qemuRoot: join(root, 'qemu'),
      lxcRoot: join(root, 'lxc'),
    };
  }
  const runDir = normalize(defaultDaemonRunDir(env, privileged));
  return {
    ...inRunDir(runDir),
    ...pki(privileged ? '/etc/pki' : join(env.HOME ?? runDir, '.pki')),
    qemuRoot: undefined,
    lxcRoot: undefined,
  };
}
