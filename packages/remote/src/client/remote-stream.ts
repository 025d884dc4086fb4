import { Duplex } from 'node:stream';
import type { VirtError } from '@virtkit/core';
import {
  errorFromBody,
  MessageStatus,
  type StreamId,
  streamDataPackets,
  streamPacket,
} from '../wire/index.js';

/** How a stream reaches the wire: write a packet, and let go of its serial. */
export interface StreamLink {
  write(packet: Uint8Array): void;
  release(): void;
}

/**
 * A stream of libvirt's protocol seen from the client (virNetClientStream) as a Node Duplex:
 * what is written goes out as CONTINUE packets, `end()` finishes (OK, then waits for the server's
 * OK), `destroy()` before that aborts (ERROR). The server's data is read; an empty CONTINUE (or an
 * unrequested OK) is the end of the data and its ERROR fails the stream with the server's error. A stream whose data ended
 * finishes its own side too, as virsh's console does when the guest's side closes.
 */
export class RemoteStream extends Duplex {
  readonly #id: StreamId;
  readonly #link: StreamLink;
  #finished: ((error?: Error | null) => void) | undefined;
  /** Finish confirmed, error received or connection gone: nothing more may be sent. */
  #settled = false;
  #dataEnded = false;

  constructor(id: StreamId, link: StreamLink) {
    super({ allowHalfOpen: false });
    this.#id = id;
    this.#link = link;
  }

  receive(status: number, body: Uint8Array): void {
    if (status === MessageStatus.CONTINUE) {
      // The packet's body is a view into the decoder's buffer: keep a copy. An empty one is EOF.
      if (body.length > 0) this.push(Buffer.from(body));
      else this.#endData();
    } else if (status === MessageStatus.OK) {
      if (this.#finished) this.#confirmFinish();
      else this.#endData();
    } else {
      this.#settle();
      this.#fail(errorFromBody(body));
    }
  }

  replied(status: number, body: Uint8Array): void {
    if (status === MessageStatus.ERROR && this.#finished) {
      const finished = this.#finished;
      this.#finished = undefined;
      this.#settle();
      finished(errorFromBody(body));
    }
  }

  connectionClosed(error: VirtError): void {
    this.#settle();
    this.#fail(error);
  }

  /** A failure ends the stream; it is an 'error' event only for a holder listening for one. */
  #fail(error: Error): void {
    this.destroy(this.listenerCount('error') > 0 ? error : undefined);
  }

  override _read(): void {
    // Data is pushed as it arrives; libvirt's client queues it without a limit as well.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#settled) {
      callback(new Error('stream is closed'));
      return;
    }
    for (const packet of streamDataPackets(this.#id, chunk)) this.#link.write(packet);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#settled) {
      callback();
      return;
    }
    this.#finished = callback;
    this.#link.write(streamPacket(this.#id, MessageStatus.OK));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#settled) {
      // Gone before the server confirmed an end: tell it, as virStreamAbort does.
      this.#link.write(streamPacket(this.#id, MessageStatus.ERROR));
      this.#settle();
    }
    const finished = this.#finished;
    this.#finished = undefined;
    finished?.(error);
    callback(error);
  }

  #confirmFinish(): void {
    const finished = this.#finished as (error?: Error | null) => void;
    this.#finished = undefined;
    this.#settle();
    // Nothing more comes from the server after its confirmation.
    this.#endData();
    finished();
  }

  #endData(): void {
    if (this.#dataEnded) return;
    this.#dataEnded = true;
    this.push(null);
  }

  #settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#link.release();
  }
}
