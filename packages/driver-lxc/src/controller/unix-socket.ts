import { chmod, rm } from 'node:fs/promises';
import type { Server } from 'node:net';

/**
 * Makes `server` listen on the socket `path` (a stale one removed first), owner-only; errors after
 * it listens are logged as `<label>: …`.
 */
export async function listenOnUnixSocket(server: Server, path: string, label: string): Promise<void> {
  await rm(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  server.on('error', (error) => console.error(`${label}: ${error.message}`));
  await chmod(path, 0o600);
}

/** Stops `server` (if it was made) and removes its socket. */
export async function closeUnixSocket(server: Server | undefined, path: string): Promise<void> {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await rm(path, { force: true });
}
