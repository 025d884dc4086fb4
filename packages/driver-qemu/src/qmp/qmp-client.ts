import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { VirtError } from '@virtkit/core';
import {
  connectError,
  greetingTimeoutError,
  malformedReplyError,
  monitorClosedError,
  monitorEofError,
  monitorIoError,
  QmpCommandError,
} from './qmp-errors.js';
import type {
  QmpCommandArgs,
  QmpCommandName,
  QmpCommandReturn,
  QmpErrorBody,
  QmpEvent,
  QmpGreeting,
} from './qmp-types.js';

export interface QmpCloseInfo {
  /** We called `close()`; otherwise QEMU closed the socket (exited, crashed, or after `quit`). */
  byClient: boolean;
  /** Why the connection ended when it was not us: EOF, or a socket/protocol error. */
  error?: VirtError;
}

export interface QmpConnectOptions {
  /** The domain's name, for libvirt's error texts (`End of file from qemu monitor (vm='…')`). */
  vmName?: string;
  /**
   * Called for every event, synchronously and in the order QEMU sent them, from the greeting
   * on: passing it here rather than after connecting means no event can slip by. An event is
   * delivered before any reply that QEMU sent after it resolves. It must not throw.
   */
  onEvent?: (event: QmpEvent) => void;
  /** Called once when the connection ends, after every pending command was rejected. */
  onClose?: (info: QmpCloseInfo) => void;
  /**
   * How long to keep retrying while the socket is missing or refuses connections, as libvirt's
   * qemuMonitorOpenUnix does for a QEMU that is still starting. Default 0: one attempt.
   */
  retryMs?: number;
  /** Give up on a monitor that accepts the connection but never greets (another client holds it). */
  greetingTimeoutMs?: number;
}

interface PendingCommand {
  command: string;
  resolve: (value: unknown) => void;
  reject: (error: VirtError) => void;
}

type Message = Record<string, unknown>;

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** Promise.withResolvers, which Node 20 lacks. */
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const RETRY_INTERVAL_MS = 10;
const RETRYABLE_CONNECT_ERRORS = new Set(['ENOENT', 'ECONNREFUSED']);
/** A peer that vanished reads as EOF, not as an I/O failure: QEMU exited. */
const EOF_LIKE_ERRORS = new Set(['ECONNRESET', 'EPIPE']);

function openSocket(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

async function openSocketWithRetry(path: string, retryMs: number): Promise<Socket> {
  const deadline = Date.now() + retryMs;
  for (;;) {
    try {
      return await openSocket(path);
    } catch (error) {
      const errno = error as NodeJS.ErrnoException;
      if (!RETRYABLE_CONNECT_ERRORS.has(errno.code ?? '') || Date.now() >= deadline) {
        throw connectError(errno);
      }
      await sleep(RETRY_INTERVAL_MS);
    }
  }
}

/**
 * Connects to a QMP monitor socket, reads the greeting and negotiates capabilities. The same
 * call reattaches to a running QEMU after the previous connection (or manager) went away.
 */
export async function connectQmp(path: string, options: QmpConnectOptions = {}): Promise<QmpClient> {
  const socket = await openSocketWithRetry(path, options.retryMs ?? 0);
  const client = new QmpClient(socket, options);
  try {
    await client.negotiate(path, options.greetingTimeoutMs ?? 10_000);
  } catch (error) {
    await client.close();
    throw error;
  }
  return client;
}

/** One QMP connection: ordered commands with id-matched replies, events, and its end. */
export class QmpClient {
  #socket: Socket;
  #options: QmpConnectOptions;
  #buffer = '';
  #nextId = 1;
  /** Insertion-ordered, so the oldest command is first: QMP answers in order. */
  #pending = new Map<string, PendingCommand>();
  /** Settles once; later resolve/reject calls are no-ops, which the code below relies on. */
  #greeting = deferred<QmpGreeting>();
  #greetingInfo: QmpGreeting | undefined;
  #closing = false;
  #ended: VirtError | undefined;
  #closed = deferred<QmpCloseInfo>();
  #failure: VirtError | undefined;

  constructor(socket: Socket, options: QmpConnectOptions) {
    this.#socket = socket;
    this.#options = options;
    // Nobody may be waiting for the greeting when the connection drops; that is no crash.
    this.#greeting.promise.catch(() => {});
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!EOF_LIKE_ERRORS.has(error.code ?? '')) this.#failure ??= monitorIoError(error);
    });
    socket.on('close', () => this.#finish());
  }

  /** Resolves when the connection has ended, however it ended. */
  get closed(): Promise<QmpCloseInfo> {
    return this.#closed.promise;
  }

  /** What QEMU announced: its version and the capabilities it offers. */
  get greeting(): QmpGreeting | undefined {
    return this.#greetingInfo;
  }

  get isOpen(): boolean {
    return this.#ended === undefined && !this.#closing;
  }

  /** @internal connectQmp's second half: greeting, then `qmp_capabilities`. */
  async negotiate(path: string, timeoutMs: number): Promise<void> {
    const timer = setTimeout(() => this.#greeting.reject(greetingTimeoutError(path)), timeoutMs);
    try {
      this.#greetingInfo = await this.#greeting.promise;
    } finally {
      clearTimeout(timer);
    }
    await this.execute('qmp_capabilities');
  }

  /** Runs a command the driver knows, with typed arguments and reply. */
  execute<C extends QmpCommandName>(command: C, ...args: QmpCommandArgs<C>): Promise<QmpCommandReturn<C>> {
    return this.executeUnchecked(command, args[0]) as Promise<QmpCommandReturn<C>>;
  }

  /** Any other command: the reply's `return` as QEMU sent it. */
  executeUnchecked(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    const id = `virtkit-${this.#nextId++}`;
    const message = args === undefined ? { execute: command, id } : { execute: command, arguments: args, id };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { command, resolve, reject });
      this.#socket.write(`${JSON.stringify(message)}\n`);
    });
  }

  /** Closes the connection; commands still waiting fail with "QEMU monitor was closed". */
  async close(): Promise<void> {
    if (this.#ended === undefined) {
      this.#closing = true;
      this.#socket.destroy();
    }
    await this.#closed.promise;
  }

  #refusal(): VirtError | undefined {
    if (this.#closing) return monitorClosedError();
    return this.#ended;
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    let newline = this.#buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.#buffer.slice(0, newline).trim();
      this.#buffer = this.#buffer.slice(newline + 1);
      if (line !== '') this.#onLine(line);
      newline = this.#buffer.indexOf('\n');
    }
  }

  #onLine(line: string): void {
    let message: Message;
    try {
      message = JSON.parse(line) as Message;
    } catch {
      // libvirt gives up on a monitor that sends garbage; so do we.
      this.#failure ??= new VirtError('INTERNAL_ERROR', `cannot parse json ${line}`, { domain: 'QEMU' });
      this.#socket.destroy();
      return;
    }
    if ('QMP' in message) this.#onGreeting(message as unknown as QmpGreeting);
    else if (typeof message.event === 'string') this.#onEvent(message);
    else this.#onReply(message);
  }

  #onGreeting(greeting: QmpGreeting): void {
    this.#greeting.resolve(greeting);
  }

  #onEvent(message: Message): void {
    this.#options.onEvent?.({
      event: message.event as string,
      data: (message.data as Record<string, unknown> | undefined) ?? {},
      timestamp: message.timestamp as QmpEvent['timestamp'],
    });
  }

  #onReply(message: Message): void {
    // QEMU omits the id only when it could not parse the command; that is still the oldest one.
    const id = typeof message.id === 'string' ? message.id : this.#pending.keys().next().value;
    const pending = id === undefined ? undefined : this.#pending.get(id);
    if (!pending || id === undefined) return;
    this.#pending.delete(id);
    if ('return' in message) pending.resolve(message.return);
    else if ('error' in message)
      pending.reject(new QmpCommandError(pending.command, message.error as QmpErrorBody));
    else pending.reject(malformedReplyError(pending.command));
  }

  #finish(): void {
    if (this.#ended !== undefined) return;
    const byClient = this.#closing;
    const error = byClient ? monitorClosedError() : (this.#failure ?? monitorEofError(this.#options.vmName));
    this.#ended = error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    this.#greeting.reject(error);
    const info: QmpCloseInfo = byClient ? { byClient } : { byClient, error };
    this.#options.onClose?.(info);
    this.#closed.resolve(info);
  }
}
