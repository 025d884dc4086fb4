import { once } from 'node:events';
import { chmod, mkdir, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';

/** A socket file and who may use it: libvirt's unix_sock_rw_perms / unix_sock_ro_perms. */
export interface UnixSocketSpec {
  readonly path: string;
  readonly mode: number;
  readonly readonly: boolean;
}

/**
 * Listens on `spec.path` with its mode. The caller holds the daemon lock, so a socket file
 * already there is a dead daemon's leftover and is replaced.
 */
export async function listenUnix(spec: UnixSocketSpec, onClient: (socket: Socket) => void): Promise<Server> {
  await removeSocket(spec.path);
  const server = createServer(onClient);
  server.listen(spec.path);
  await once(server, 'listening');
  // chmod after bind: the window before it only narrows who could connect.
  await chmod(spec.path, spec.mode);
  return server;
}

/** The socket directory, readable by all so the read-only socket is reachable (libvirt's 0755). */
export async function prepareRunDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
}

export async function closeServer(server: Server, path?: string): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (path !== undefined) await removeSocket(path);
}

/**
 * unlink, not rm: rm lstats the socket first, and Node 20's realpathSync trusts the last stat
 * result it shares with other calls, so a socket's stat left there makes the next module
 * resolution stop at a pnpm symlink (ERR_MODULE_NOT_FOUND for a driver's dependencies).
 */
async function removeSocket(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
