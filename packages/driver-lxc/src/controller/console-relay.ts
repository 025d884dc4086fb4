import { createServer, type Server, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { ConsoleHello, ConsoleReply } from './protocol.js';
import { closeUnixSocket, listenOnUnixSocket } from './unix-socket.js';

const MAX_HELLO_BYTES = 4096;

/**
 * `console.sock`: relays the container's console (the pty `script` holds) to one client at a time.
 * A client's first line is a ConsoleHello; `force` takes the console from its holder. Output with
 * nobody attached is dropped, but the pty is always drained so the container never blocks on it.
 */
export class ConsoleRelay {
  private server: Server | undefined;
  private holder: Socket | undefined;
  private input: Writable | undefined;
  /** Consoles are served from the start (input before init runs is dropped) until the container ends. */
  private open = true;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly path: string) {}

  async listen(): Promise<void> {
    this.server = createServer((socket) => this.greet(socket));
    await listenOnUnixSocket(this.server, this.path, 'console');
  }

  /** Starts relaying `script`'s pty; after detach clients are refused (`not-running`). */
  attach(output: Readable, input: Writable): void {
    this.input = input;
    input.on('error', () => {});
    output.on('data', (chunk: Buffer) => {
      const holder = this.holder;
      if (holder && !holder.destroyed) holder.write(chunk);
    });
  }

  /** The container is gone: no more consoles; the holder is disconnected. */
  detach(): void {
    this.open = false;
    this.input = undefined;
    this.holder?.end();
    this.holder = undefined;
  }

  private greet(socket: Socket): void {
    socket.on('error', () => {});
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    let pending = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const nl = pending.indexOf(0x0a);
      if (nl < 0) {
        if (pending.length > MAX_HELLO_BYTES) socket.destroy();
        return;
      }
      socket.off('data', onData);
      let hello: ConsoleHello = {};
      try {
        hello = JSON.parse(pending.subarray(0, nl).toString('utf8')) as ConsoleHello;
      } catch {
        socket.destroy();
        return;
      }
      this.admit(socket, hello, pending.subarray(nl + 1));
    };
    socket.on('data', onData);
  }

  private reply(socket: Socket, reply: ConsoleReply): void {
    socket.write(`${JSON.stringify(reply)}\n`);
  }

  private admit(socket: Socket, hello: ConsoleHello, rest: Buffer): void {
    if (!this.open) {
      this.reply(socket, { ok: false, error: 'not-running' });
      socket.end();
      return;
    }
    if (this.holder && !this.holder.destroyed) {
      if (!hello.force) {
        this.reply(socket, { ok: false, error: 'busy' });
        socket.end();
        return;
      }
      this.holder.end();
    }
    this.holder = socket;
    socket.on('close', () => {
      if (this.holder === socket) this.holder = undefined;
    });
    this.reply(socket, { ok: true });
    if (rest.length > 0) this.input?.write(rest);
    socket.on('data', (chunk: Buffer) => {
      if (this.holder === socket) this.input?.write(chunk);
    });
  }

  async close(): Promise<void> {
    this.detach();
    for (const socket of this.sockets) socket.destroy();
    await closeUnixSocket(this.server, this.path);
  }
}
