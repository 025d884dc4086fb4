import type { Duplex } from 'node:stream';
import { VirtError } from '@virtkit/core';
import {
  encodePacket,
  errorFromBody,
  isKeepalive,
  KEEPALIVE_PROC_PING,
  keepalivePing,
  keepalivePong,
  type MessageHeader,
  MessageStatus,
  MessageType,
  type Packet,
  PacketDecoder,
} from '../wire/index.js';
import { RemoteStream } from './remote-stream.js';

/** A message the server sent without being asked: an event (type MESSAGE). */
export type MessageListener = (header: MessageHeader, body: Uint8Array) => void;

interface Pending {
  resolve(body: Uint8Array): void;
  reject(error: VirtError): void;
}

/** What libvirt's virNetSocket reports when the server goes away. */
const END_OF_FILE = 'End of file while reading data: Input/output error';

function systemError(message: string): VirtError {
  return new VirtError('SYSTEM_ERROR', message, { domain: 'RPC', verbatim: true });
}

/** libvirt's client keepalive defaults (virsh: --keepalive-interval 5, count 5 in libvirt.conf). */
export const KEEPALIVE_DEFAULTS = { intervalSeconds: 5, count: 5 } as const;

/**
 * One RPC connection, as libvirt's virNetClient: calls carry increasing serial numbers and
 * are matched to their replies by serial, so several may be in flight; MESSAGE packets go
 * to the listener; keepalive PINGs are answered and, once enabled, sent when the server
 * has been quiet. Every pending call fails when the stream ends.
 */
export class RpcClient {
  readonly #stream: Duplex;
  readonly #decoder = new PacketDecoder();
  readonly #pending = new Map<number, Pending>();
  /** Open streams by the serial of the call that opened them. */
  readonly #streams = new Map<number, RemoteStream>();
  readonly #onMessage: MessageListener;
  readonly #closedListeners = new Set<(error: VirtError | undefined) => void>();
  #serial = 0;
  #closed: VirtError | undefined;
  #keepaliveTimer: NodeJS.Timeout | undefined;
  #lastHeard = Date.now();
  #unanswered = 0;

  constructor(stream: Duplex, onMessage: MessageListener) {
    this.#stream = stream;
    this.#onMessage = onMessage;
    stream.on('data', (chunk: Buffer) => this.#receive(chunk));
    stream.on('error', (error: Error) => this.#shutdown(systemError(error.message)));
    stream.on('end', () => this.#shutdown(systemError(END_OF_FILE)));
    stream.on('close', () => this.#shutdown(systemError(END_OF_FILE)));
  }

  /** Sends a CALL and resolves to the REPLY's body; an ERROR reply rejects with the server's error. */
  call(prog: number, vers: number, proc: number, body: Uint8Array): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(this.#closed);
    const serial = ++this.#serial;
    return new Promise((resolve, reject) => {
      // Encoding throws for an oversized body: the call then fails without ever being pending.
      const packet = encodePacket(
        { prog, vers, proc, type: MessageType.CALL, serial, status: MessageStatus.OK },
        body,
      );
      this.#pending.set(serial, { resolve, reject });
      this.#stream.write(packet);
    });
  }

  /**
   * Sends a CALL that opens a stream (a procedure marked @readstream/@writestream) and resolves,
   * once the server's REPLY says the stream is open, to it as a Duplex. The stream is registered
   * before the CALL goes out, since the server's data may follow its REPLY in the same read.
   */
  async openStream(prog: number, vers: number, proc: number, body: Uint8Array): Promise<RemoteStream> {
    if (this.#closed) throw this.#closed;
    const serial = this.#serial + 1;
    const stream = new RemoteStream(
      { prog, vers, proc, serial },
      {
        write: (packet) => {
          if (!this.#closed) this.#stream.write(packet);
        },
        release: () => {
          if (this.#streams.get(serial) === stream) this.#streams.delete(serial);
        },
      },
    );
    this.#streams.set(serial, stream);
    try {
      await this.call(prog, vers, proc, body);
    } catch (error) {
      this.#streams.delete(serial);
      // Never opened: there is nothing to abort on the server.
      stream.connectionClosed(error as VirtError);
      throw error;
    }
    return stream;
  }

  /**
   * Sends PINGs after `intervalSeconds` of silence; closes after `count` go unanswered.
   * Called again, it replaces the settings; an interval of 0 stops it (virConnectSetKeepAlive).
   */
  startKeepalive({
    intervalSeconds,
    count,
  }: {
    intervalSeconds: number;
    count: number;
  } = KEEPALIVE_DEFAULTS): void {
    clearInterval(this.#keepaliveTimer);
    this.#keepaliveTimer = undefined;
    if (this.#closed || intervalSeconds <= 0) return;
    const intervalMs = intervalSeconds * 1000;
    this.#keepaliveTimer = setInterval(() => {
      if (Date.now() - this.#lastHeard < intervalMs) return;
      if (this.#unanswered >= count) {
        this.#stream.destroy();
        this.#shutdown(
          new VirtError('INTERNAL_ERROR', 'connection closed due to keepalive timeout', { domain: 'RPC' }),
        );
        return;
      }
      this.#unanswered++;
      this.#stream.write(keepalivePing());
    }, intervalMs);
    // Keepalive must never be what keeps a process alive.
    this.#keepaliveTimer.unref();
  }

  /** Called once with the reason the connection ended (undefined after close()). */
  onClosed(listener: (error: VirtError | undefined) => void): void {
    this.#closedListeners.add(listener);
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Ends the stream; calls still pending fail as libvirt's do on a closed connection. */
  close(): void {
    this.#shutdown(undefined);
    this.#stream.end();
    this.#stream.destroy();
  }

  #receive(chunk: Uint8Array): void {
    this.#lastHeard = Date.now();
    this.#unanswered = 0;
    let packets: Packet[];
    try {
      packets = this.#decoder.push(chunk);
    } catch (error) {
      this.#stream.destroy();
      this.#shutdown(
        error instanceof VirtError ? error : new VirtError('RPC', String(error), { domain: 'RPC' }),
      );
      return;
    }
    for (const packet of packets) this.#dispatch(packet.header, packet.body);
  }

  #dispatch(header: MessageHeader, body: Uint8Array): void {
    if (isKeepalive(header)) {
      // A PONG only proves the server lives, which receiving it already recorded.
      if (header.proc === KEEPALIVE_PROC_PING) this.#stream.write(keepalivePong());
      return;
    }
    if (header.type === MessageType.MESSAGE) {
      this.#onMessage(header, body);
      return;
    }
    if (header.type === MessageType.STREAM) {
      // Data after a stream was let go of is dropped, as libvirt's client does.
      this.#streams.get(header.serial)?.receive(header.status, body);
      return;
    }
    const pending = this.#pending.get(header.serial);
    if (header.type === MessageType.REPLY && !pending) {
      this.#streams.get(header.serial)?.replied(header.status, body);
      return;
    }
    if (header.type !== MessageType.REPLY || !pending) return;
    this.#pending.delete(header.serial);
    if (header.status === MessageStatus.OK) pending.resolve(body);
    else pending.reject(errorFromBody(body));
  }

  #shutdown(error: VirtError | undefined): void {
    if (this.#closed) return;
    this.#closed = error ?? new VirtError('INTERNAL_ERROR', 'client socket is closed', { domain: 'RPC' });
    clearInterval(this.#keepaliveTimer);
    for (const pending of this.#pending.values()) pending.reject(this.#closed);
    this.#pending.clear();
    const streams = [...this.#streams.values()];
    this.#streams.clear();
    for (const stream of streams) stream.connectionClosed(this.#closed);
    for (const listener of this.#closedListeners) listener(error);
  }
}
