import { VirtError } from '@virtkit/core';
import { VirNetMessageHeader } from '../generated/virnet-protocol.js';
import { decodeXdr, encodeXdr } from '../xdr/index.js';
import { HEADER_SIZE, LENGTH_WORD_SIZE, MAX_PACKET_SIZE, MIN_PACKET_SIZE } from './constants.js';

/** virNetMessageHeader: program, version, procedure, message type, serial, status. */
export type MessageHeader = VirNetMessageHeader;

/** One packet off the wire. `body` is the XDR payload after the header (a view, not a copy). */
export interface Packet {
  header: MessageHeader;
  body: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** Frames one packet as virNetMessage does: total length (itself included), header, body. */
export function encodePacket(header: MessageHeader, body: Uint8Array = EMPTY): Uint8Array {
  const size = MIN_PACKET_SIZE + body.length;
  if (size > MAX_PACKET_SIZE) {
    throw new VirtError('RPC', `Unable to encode message payload: ${size} bytes exceed ${MAX_PACKET_SIZE}`);
  }
  const packet = Buffer.allocUnsafe(size);
  packet.writeUInt32BE(size, 0);
  packet.set(encodeXdr(VirNetMessageHeader, header), LENGTH_WORD_SIZE);
  packet.set(body, MIN_PACKET_SIZE);
  return packet;
}

/**
 * Checks a packet's length word against libvirt's limits (virNetMessageDecodeLength), so a
 * reader never waits for, or allocates, a packet that cannot be valid.
 */
export function checkPacketLength(length: number): void {
  if (length < MIN_PACKET_SIZE) {
    throw new VirtError('RPC', `packet ${length} bytes received too small, want at least ${MIN_PACKET_SIZE}`);
  }
  if (length > MAX_PACKET_SIZE) {
    throw new VirtError('RPC', `packet ${length} bytes received too large, want at most ${MAX_PACKET_SIZE}`);
  }
}

/** Splits one whole packet (length word included) into header and body. */
export function decodePacket(packet: Uint8Array): Packet {
  if (packet.length < LENGTH_WORD_SIZE) checkPacketLength(packet.length);
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const length = view.getUint32(0);
  checkPacketLength(length);
  if (length !== packet.length) {
    throw new VirtError(
      'RPC',
      `packet length word says ${length} bytes, but the packet has ${packet.length}`,
    );
  }
  return {
    header: decodeXdr(VirNetMessageHeader, packet.subarray(LENGTH_WORD_SIZE, LENGTH_WORD_SIZE + HEADER_SIZE)),
    body: packet.subarray(MIN_PACKET_SIZE),
  };
}
