import { createServer, type Server, type Socket } from 'node:net';
import type { ControllerMessage } from './protocol.js';
import { closeUnixSocket, listenOnUnixSocket } from './unix-socket.js';

/**
 * `monitor.sock`: one manager at a time (a new connection replaces the old one). Each connection
 * first gets the current `status` (or the final `exit` once there is one), then the events.
 */
export class MonitorServer {
  private client: Socket | undefined;
  private server: Server | undefined;
  private final: ControllerMessage | undefined;

  constructor(
    private readonly path: string,
    private readonly status: () => ControllerMessage,
  ) {}

  async listen(): Promise<void> {
    this.server = createServer((socket) => this.accept(socket));
    await listenOnUnixSocket(this.server, this.path, 'monitor');
  }

  private accept(socket: Socket): void {
    if (this.client) {
      console.error('monitor: a new manager connected, dropping the previous one');
      this.client.destroy();
    }
    this.client = socket;
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.client === socket) this.client = undefined;
    });
    // The manager says nothing on this socket; reading keeps the connection's close visible.
    socket.resume();
    socket.write(`${JSON.stringify(this.final ?? this.status())}\n`);
  }

  /** Sends to the connected manager; resolves true once the bytes are handed to the kernel. */
  send(message: ControllerMessage): Promise<boolean> {
    if (message.event === 'exit') this.final = message;
    const client = this.client;
    if (!client || client.destroyed) return Promise.resolve(false);
    return new Promise((resolve) => {
      client.write(`${JSON.stringify(message)}\n`, (error) => resolve(!error));
    });
  }

  /** Ends the connection (the manager reads that as "cleanup done") and removes the socket. */
  async close(): Promise<void> {
    const client = this.client;
    if (client && !client.destroyed) await new Promise<void>((resolve) => client.end(resolve));
    client?.destroy();
    await closeUnixSocket(this.server, this.path);
  }
}
