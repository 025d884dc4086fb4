import { createServer } from 'node:net';

/** A TCP port nobody listens on at the moment: the kernel picks it, then we let go of it. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
