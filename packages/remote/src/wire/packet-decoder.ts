import { LENGTH_WORD_SIZE } from './constants.js';
import { checkPacketLength, decodePacket, type Packet } from './packet.js';

/**
 * Reassembles packets from a byte stream cut anywhere. Push each chunk as it arrives and get back the
 * packets it completes. A bad length word throws a VirtError RPC; the stream is then out of step for
 * good, so every later push throws it again and the connection must be closed.
 */
export class PacketDecoder {
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #failure: unknown;

  /** Bytes received that do not yet make a whole packet. */
  get pending(): number {
    return this.#buffered;
  }

  push(chunk: Uint8Array): Packet[] {
    if (this.#failure) throw this.#failure;
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    const packets: Packet[] = [];
    try {
      for (let length = this.#nextLength(); length !== undefined; length = this.#nextLength()) {
        if (this.#buffered < length) break;
        packets.push(decodePacket(this.#take(length)));
      }
    } catch (error) {
      this.#failure = error;
      throw error;
    }
    return packets;
  }

  /** The length of the next packet, checked, once its length word has arrived. */
  #nextLength(): number | undefined {
    if (this.#buffered < LENGTH_WORD_SIZE) return undefined;
    const head = this.#peek(LENGTH_WORD_SIZE);
    const length = new DataView(head.buffer, head.byteOffset, LENGTH_WORD_SIZE).getUint32(0);
    checkPacketLength(length);
    return length;
  }

  /** The first `size` buffered bytes, joined only when they span chunks. */
  #peek(size: number): Uint8Array {
    const first = this.#chunks[0] as Uint8Array;
    if (first.length >= size) return first.subarray(0, size);
    const joined = Buffer.concat(this.#chunks);
    this.#chunks = [joined];
    return joined.subarray(0, size);
  }

  #take(size: number): Uint8Array {
    const bytes = this.#peek(size);
    const first = this.#chunks[0] as Uint8Array;
    if (first.length === size) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(size);
    this.#buffered -= size;
    return bytes;
  }
}
