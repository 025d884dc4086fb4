import { type Connection, type Subscription, VirtError } from '@virtkit/core';
import type { DriverHub } from './driver-hub.js';
import type { Logger } from './logger.js';

/** Sends one event to the client as a VIR_NET_MESSAGE of the remote program. */
export type SendEvent = (proc: number, body: Uint8Array) => void;

/**
 * What the daemon knows about one client, as libvirtd's daemonClientPrivate: the connection it
 * opened (none before CONNECT_OPEN), whether it came in on the read-only socket, and the event
 * callbacks it registered, by the ids handed back to it.
 */
export class ClientSession {
  readonly readonly: boolean;
  readonly hub: DriverHub;
  readonly log: Logger;
  readonly sendEvent: SendEvent;
  /** Starts the server's keepalive PINGs: the client asked about the keepalive program. */
  readonly startKeepalive: () => void;
  /** Old-style registrations: event id → the callback id kept for it. */
  readonly legacyCallbacks = new Map<number, number>();
  readonly #callbacks = new Map<number, Subscription>();
  #nextCallbackId = 0;
  #connection: Connection | undefined;

  constructor(options: {
    readonly: boolean;
    hub: DriverHub;
    log: Logger;
    sendEvent: SendEvent;
    startKeepalive: () => void;
  }) {
    this.readonly = options.readonly;
    this.hub = options.hub;
    this.log = options.log;
    this.sendEvent = options.sendEvent;
    this.startKeepalive = options.startKeepalive;
  }

  get connection(): Connection {
    if (!this.#connection)
      throw new VirtError('INTERNAL_ERROR', 'hypervisor connection not open', { domain: 'RPC' });
    return this.#connection;
  }

  async open(name: string | null, readonly: boolean): Promise<void> {
    if (this.#connection) throw new VirtError('INTERNAL_ERROR', 'connection already open', { domain: 'RPC' });
    // A client on the read-only socket gets a read-only connection whatever it asked for.
    this.#connection = await this.hub.connect(name, readonly || this.readonly);
  }

  /** Keeps a subscription until the client deregisters it or goes; returns its callback id. */
  addCallback(subscribe: (callbackId: number) => Subscription): number {
    const id = this.#nextCallbackId++;
    this.#callbacks.set(id, subscribe(id));
    return id;
  }

  removeCallback(id: number): void {
    const subscription = this.#callbacks.get(id);
    if (!subscription)
      throw new VirtError('INTERNAL_ERROR', `domain event callback ${id} not registered`, { domain: 'RPC' });
    subscription.unsubscribe();
    this.#callbacks.delete(id);
  }

  /** CONNECT_CLOSE, or the client gone: callbacks dropped, the connection closed. */
  async close(): Promise<void> {
    for (const subscription of this.#callbacks.values()) subscription.unsubscribe();
    this.#callbacks.clear();
    this.legacyCallbacks.clear();
    const connection = this.#connection;
    this.#connection = undefined;
    await connection?.close();
  }
}
