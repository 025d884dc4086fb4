import { formatParams, formatUri, type UriParam, VirtError, type VirtUri } from '@virtkit/core';
import { sshProxyCommand } from './ssh-proxy.js';

/** How to reach the server: one of libvirt's remote transports. */
export type TransportSpec =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | {
      readonly kind: 'tls';
      readonly host: string;
      readonly port: number;
      /** Directory holding cacert.pem, clientcert.pem and clientkey.pem (`?pkipath=`). */
      readonly pkiPath?: string;
      /** `?no_verify=1` turns the server certificate check off. */
      readonly verify: boolean;
    }
  | {
      readonly kind: 'ssh';
      readonly host: string;
      readonly port?: number;
      readonly user?: string;
      /** The ssh binary (`?command=`). */
      readonly command: string;
      readonly keyfile?: string;
      /** `?no_tty=1`: never prompt (BatchMode). */
      readonly tty: boolean;
      /** `?no_verify=1`: accept an unknown host key. */
      readonly verify: boolean;
      /** The shell command run on the far side to reach the daemon (libvirt's `?proxy=`). */
      readonly remoteCommand: string;
    }
  | { readonly kind: 'ext'; readonly command: string };

/** Where a remote connection goes and the URI it then asks the server to open. */
export interface RemoteTarget {
  readonly transport: TransportSpec;
  /** The `name` of CONNECT_OPEN: `''` lets the server pick (libvirt's `remote://`). */
  readonly name: string;
}

export interface TargetOptions {
  readonly readonly: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Effective uid: root uses the system socket, anyone else their runtime directory's. */
  readonly uid: number;
}

/** The URI parameters the client consumes (remote_driver.c's EXTRACT_URI_ARG_*); the rest reach the server. */
const CLIENT_PARAMS = new Set([
  'name',
  'command',
  'socket',
  'auth',
  'sshauth',
  'netcat',
  'keyfile',
  'pkipath',
  'known_hosts',
  'known_hosts_verify',
  'tls_priority',
  'mode',
  'proxy',
  'no_sanity',
  'no_verify',
  'no_tty',
  'authfile',
]);

const TCP_PORT = 16509;
/** libvirtd's TLS port (tls_port). */
export const TLS_PORT = 16514;

/** The names of virtkitd's read-write and read-only sockets in its run directory. */
export const DAEMON_SOCKETS: readonly [rw: string, ro: string] = ['virtkit-sock', 'virtkit-sock-ro'];

/** Where virtkitd keeps its sockets by default: root's /run/virtkit, or the user's runtime dir. */
export function defaultDaemonRunDir(env: TargetOptions['env'], privileged: boolean): string {
  if (privileged) return '/run/virtkit';
  const { XDG_RUNTIME_DIR: runtime, HOME: home } = env;
  if (runtime) return `${runtime}/virtkit`;
  if (home) return `${home}/.cache/virtkit/run`;
  throw new VirtError('INTERNAL_ERROR', 'neither XDG_RUNTIME_DIR nor HOME is set');
}

/** virtkitd's read-write (or read-only) socket where the daemon puts it: root's, or the user's runtime dir. */
export function defaultDaemonSocket(options: TargetOptions): string {
  const [rw, ro] = DAEMON_SOCKETS;
  return `${defaultDaemonRunDir(options.env, options.uid === 0)}/${options.readonly ? ro : rw}`;
}

/**
 * Reads a URI the way libvirt's doRemoteOpen does: the transport (given, or TLS with a
 * host and a unix socket without), the client-only parameters, and the name sent to the
 * server, which is the URI without transport, server and those parameters.
 */
export function remoteTarget(uri: VirtUri, options: TargetOptions): RemoteTarget {
  const param = (name: string) => uri.params.find((p) => p.name.toLowerCase() === name)?.value;
  const flag = (name: string) => {
    const value = param(name);
    return value !== undefined && value !== '0';
  };
  const kind = transportKind(uri);
  const host = uri.host ?? 'localhost';
  const socket = param('socket');
  const name = param('name') ?? serverName(uri);

  let transport: TransportSpec;
  switch (kind) {
    case 'unix':
      transport = { kind, path: socket ?? defaultDaemonSocket(options) };
      break;
    case 'tcp':
      transport = { kind, host, port: uri.port ?? TCP_PORT };
      break;
    case 'tls': {
      const pkiPath = param('pkipath');
      transport = {
        kind,
        host,
        port: uri.port ?? TLS_PORT,
        verify: !flag('no_verify'),
        ...(pkiPath ? { pkiPath } : {}),
      };
      break;
    }
    case 'ssh': {
      const netcat = param('netcat');
      const proxy = param('proxy');
      const keyfile = param('keyfile');
      transport = {
        kind,
        host,
        command: param('command') ?? 'ssh',
        tty: !flag('no_tty'),
        verify: !flag('no_verify'),
        remoteCommand: sshProxyCommand({
          name,
          readonly: options.readonly,
          ...(proxy === undefined ? {} : { proxy }),
          ...(netcat === undefined ? {} : { netcat }),
          ...(socket === undefined ? {} : { socket }),
        }),
        ...(uri.port === undefined ? {} : { port: uri.port }),
        ...(uri.user === undefined ? {} : { user: uri.user }),
        ...(keyfile ? { keyfile } : {}),
      };
      break;
    }
    case 'ext': {
      const command = param('command');
      if (!command)
        throw new VirtError('INVALID_ARG', "remote_open: for 'ext' transport, command is required");
      transport = { kind, command };
      break;
    }
  }
  return { transport, name };
}

function transportKind(uri: VirtUri): TransportSpec['kind'] {
  const transport = uri.transport?.toLowerCase();
  if (transport === undefined) return uri.host === undefined ? 'unix' : 'tls';
  if (transport === 'unix' && uri.host !== undefined) {
    throw new VirtError('INVALID_ARG', `using unix socket and remote server '${uri.host}' is not supported.`);
  }
  // libssh and libssh2 are libvirt's in-process ssh clients; the ssh binary does their job here.
  if (transport === 'libssh' || transport === 'libssh2') return 'ssh';
  if (
    transport === 'unix' ||
    transport === 'tcp' ||
    transport === 'tls' ||
    transport === 'ssh' ||
    transport === 'ext'
  ) {
    return transport;
  }
  throw new VirtError(
    'INVALID_ARG',
    'remote_open: transport in URL not recognised (should be tls|unix|ssh|ext|tcp|libssh2|libssh)',
  );
}

/** The URI the server opens: `remote://…` lets it choose, else the URI minus transport, server and client params. */
function serverName(uri: VirtUri): string {
  if (uri.driver === 'remote') return '';
  const params: UriParam[] = uri.params.filter((p) => !CLIENT_PARAMS.has(p.name.toLowerCase()));
  const query = formatParams(params);
  return formatUri({
    scheme: uri.driver,
    driver: uri.driver,
    path: uri.path,
    params,
    ...(query === '' ? {} : { query }),
    ...(uri.fragment === undefined ? {} : { fragment: uri.fragment }),
  });
}
