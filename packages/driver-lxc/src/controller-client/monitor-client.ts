import { connect, type Socket } from 'node:net';
import type { ControllerMessage } from '../controller/protocol.js';

export interface MonitorHandlers {
  onMessage(message: ControllerMessage): void;
  /** The controller closed the socket (it exited, or it is gone); not called for our own close(). */
  onClose(): void;
}

/**
 * The manager's end of a controller's monitor.sock: newline-separated JSON messages one way
 * (protocol.ts). A line that is not JSON is skipped: the controller is ours, a bad line is a bug
 * to ignore rather than a reason to drop the container.
 */
export class MonitorClient {
  readonly #socket: Socket;
  readonly #handlers: MonitorHandlers;
  #closing = false;
  readonly #closed: Promise<void>;

  private constructor(socket: Socket, handlers: MonitorHandlers) {
    this.#socket = socket;
    this.#handlers = handlers;
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const line = buffered.slice(0, end).trim();
        buffered = buffered.slice(end + 1);
        if (line === '') continue;
        let message: ControllerMessage;
        try {
          message = JSON.parse(line) as ControllerMessage;
        } catch {
          continue;
        }
        this.#handlers.onMessage(message);
      }
    });
    socket.on('error', () => {});
    this.#closed = new Promise((resolve) => {
      socket.once('close', () => {
        if (!this.#closing) this.#handlers.onClose();
        resolve();
      });
    });
  }

  /** Connects to a controller that listens already (it said so, or it has run for a while). */
  static async connect(path: string, handlers: MonitorHandlers): Promise<MonitorClient> {
    return new MonitorClient(await connectSocket(path), handlers);
  }

  /** Lets the controller go without a word: it keeps running and writes exit.json at its end. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#socket.destroy();
    await this.#closed;
  }
}

export function connectSocket(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const onError = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
