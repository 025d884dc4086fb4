import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Message = Record<string, unknown>;

export const GREETING = {
  QMP: {
    version: { qemu: { major: 7, minor: 2, micro: 22 }, package: 'Debian 1:7.2' },
    capabilities: ['oob'],
  },
};

/** The server side of one monitor connection, driven step by step by a test. */
export class FakeConnection {
  readonly socket: Socket;
  #buffer = '';
  #queue: Message[] = [];
  #waiters: ((message: Message) => void)[] = [];

  constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      const lines = this.#buffer.split('\n');
      this.#buffer = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.trim() !== '')) {
        const message = JSON.parse(line) as Message;
        const waiter = this.#waiters.shift();
        if (waiter) waiter(message);
        else this.#queue.push(message);
      }
    });
    socket.on('error', () => {});
  }

  /** Writes raw text: tests use it to split or join messages the way a stream may. */
  write(text: string): void {
    this.socket.write(text);
  }

  send(message: Message): void {
    this.write(`${JSON.stringify(message)}\r\n`);
  }

  event(event: string, data?: Message): void {
    this.send({ event, ...(data ? { data } : {}), timestamp: { seconds: 1, microseconds: 2 } });
  }

  /** The next command the client sent. */
  next(): Promise<Message> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Greets, then answers the client's qmp_capabilities. */
  async negotiate(): Promise<void> {
    this.send(GREETING);
    const caps = await this.next();
    if (caps.execute !== 'qmp_capabilities')
      throw new Error(`expected qmp_capabilities, got ${caps.execute}`);
    this.send({ return: {}, id: caps.id });
  }

  end(): void {
    this.socket.end();
  }
}

export interface FakeQmpServer {
  path: string;
  /** Resolves with each accepted connection, in order. */
  nextConnection(): Promise<FakeConnection>;
  listen(): Promise<void>;
  close(): Promise<void>;
}

/** A QMP server on a UNIX socket in a fresh temp dir; `listen: false` to start it later. */
export async function startFakeQmp(options: { listen?: boolean } = {}): Promise<FakeQmpServer> {
  const dir = await mkdtemp(join(tmpdir(), 'virtkit-qmp-'));
  const path = join(dir, 'monitor.sock');
  const pending: FakeConnection[] = [];
  const waiters: ((connection: FakeConnection) => void)[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const connection = new FakeConnection(socket);
    const waiter = waiters.shift();
    if (waiter) waiter(connection);
    else pending.push(connection);
  });
  const listen = () => new Promise<void>((resolve) => server.listen(path, resolve));
  if (options.listen !== false) await listen();
  return {
    path,
    listen,
    nextConnection() {
      const ready = pending.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
