import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { VirtError } from '@virtkit/core';
import type { DaemonPaths } from './daemon-paths.js';

const TLS_CONFIRMATION = Uint8Array.of(1);

async function readPem(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new VirtError('SYSTEM_ERROR', `Cannot read ${what} '${path}': ${(error as Error).message}`, {
      verbatim: true,
      cause: error,
    });
  }
}

/**
 * TCP+TLS as libvirtd's --listen: the server's certificate and key, and a client certificate
 * signed by the CA required of every client (tls_no_verify_certificate = 0).
 */
export async function listenTls(
  paths: DaemonPaths,
  port: number,
  onClient: (socket: TLSSocket) => void,
): Promise<Server> {
  // One after the other, so a missing file is always reported in the same order (CA first).
  const ca = await readPem(paths.caCert, 'CA certificate');
  const cert = await readPem(paths.serverCert, 'server certificate');
  const key = await readPem(paths.serverKey, 'server key');
  const server = createServer({ ca, cert, key, requestCert: true, rejectUnauthorized: true }, (socket) => {
    // libvirt's clients wait for one byte 1 after the handshake: the server accepted their certificate.
    socket.write(TLS_CONFIRMATION);
    onClient(socket);
  });
  server.listen(port);
  await once(server, 'listening');
  return server;
}
