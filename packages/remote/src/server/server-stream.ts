import type { Duplex } from 'node:stream';
import { VirtError } from '@virtkit/core';
import {
  encodePacket,
  errorBody,
  MessageStatus,
  MessageType,
  type StreamId,
  streamDataPackets,
  streamPacket,
} from '../wire/index.js';
import type { Logger } from './logger.js';

/**
 * What a stream-opening procedure's handler returns: the driver's side of the stream and the
 * reply's value, if the procedure has one. The dispatcher replies, then pumps the stream.
 */
export class StreamReply {
  constructor(
    readonly duplex: Duplex,
    readonly ret?: unknown,
  ) {}
}

/** Where a server stream writes: the client's socket, with its backpressure. */
export interface StreamOutput {
  /** Writes a packet; false when the socket's buffer is full. */
  write(packet: Uint8Array): boolean;
  /** Calls `listener` once the socket's buffer has drained. */
  onceDrained(listener: () => void): void;
}

/**
 * The daemon's side of one stream (libvirtd's daemonClientStream): the driver's data goes to the
 * client as CONTINUE packets and its end as an empty one (a failure as ERROR with a remote_error); the
 * client's data is written to the driver. The client's OK finishes the stream and is confirmed
 * with an OK; its ERROR aborts it and is answered with a REPLY error, as libvirtd answers both.
 */
export class ServerStream {
  readonly #id: StreamId;
  readonly #duplex: Duplex;
  readonly #output: StreamOutput;
  readonly #release: () => void;
  readonly #log: Logger;
  /** The driver's side ended or failed and the client was told: nothing more goes out but answers. */
  #sendDone = false;
  #closed = false;

  constructor(id: StreamId, duplex: Duplex, output: StreamOutput, release: () => void, log: Logger) {
    this.#id = id;
    this.#duplex = duplex;
    this.#output = output;
    this.#release = release;
    this.#log = log;
  }

  /** Starts sending the driver's data; call it once the call's REPLY is out. */
  start(): void {
    const duplex = this.#duplex;
    duplex.on('data', this.#onData);
    duplex.on('end', this.#onEnd);
    duplex.on('close', this.#onEnd);
    duplex.on('error', this.#onError);
  }

  /** A STREAM packet from the client. */
  receive(status: number, body: Uint8Array): void {
    if (this.#closed) return;
    if (status === MessageStatus.CONTINUE) {
      // A copy: the body is a view into the decoder's buffer, and the driver may keep it.
      if (body.length > 0 && this.#duplex.writable) this.#duplex.write(Buffer.from(body));
      return;
    }
    this.#close();
    if (status === MessageStatus.OK) {
      // virStreamFinish: the driver's side ends, and a zero-length OK confirms it.
      if (this.#duplex.writable) this.#duplex.end(() => this.#duplex.destroy());
      else this.#duplex.destroy();
      this.#output.write(streamPacket(this.#id, MessageStatus.OK));
      return;
    }
    this.#duplex.destroy();
    const message =
      status === MessageStatus.ERROR
        ? 'stream aborted at client request'
        : `stream had unexpected termination status ${status}`;
    this.#replyError(new VirtError('RPC', message, { domain: 'RPC', verbatim: true }));
  }

  /** The client went away: let the driver's side go. */
  abandon(): void {
    if (this.#closed) return;
    this.#close();
    this.#duplex.destroy();
  }

  readonly #onData = (chunk: Buffer | string): void => {
    if (this.#sendDone) return;
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let full = false;
    for (const packet of streamDataPackets(this.#id, data)) full = !this.#output.write(packet) || full;
    if (full) {
      // The client reads slower than the driver writes: hold the driver back until the socket drains.
      this.#duplex.pause();
      this.#output.onceDrained(() => {
        if (!this.#closed) this.#duplex.resume();
      });
    }
  };

  /**
   * The driver's side ended: a zero-length CONTINUE, libvirtd's read EOF. (An OK here is taken by
   * libvirt's client for a finish confirmation nobody asked for, and it drops the connection.)
   */
  readonly #onEnd = (): void => {
    if (this.#sendDone || this.#closed) return;
    this.#sendDone = true;
    this.#output.write(streamPacket(this.#id, MessageStatus.CONTINUE));
  };

  readonly #onError = (error: Error): void => {
    if (this.#sendDone || this.#closed) return;
    this.#sendDone = true;
    this.#log.log('debug', `stream ${this.#id.serial} failed: ${error.message}`);
    this.#output.write(streamPacket(this.#id, MessageStatus.ERROR, errorBody(error)));
  };

  #replyError(error: VirtError): void {
    this.#output.write(
      encodePacket({ ...this.#id, type: MessageType.REPLY, status: MessageStatus.ERROR }, errorBody(error)),
    );
  }

  #close(): void {
    this.#closed = true;
    this.#sendDone = true;
    const duplex = this.#duplex;
    duplex.off('data', this.#onData);
    duplex.off('end', this.#onEnd);
    duplex.off('close', this.#onEnd);
    // Errors while the driver's side is torn down are no longer the client's business.
    duplex.off('error', this.#onError);
    duplex.on('error', () => {});
    this.#release();
  }
}
