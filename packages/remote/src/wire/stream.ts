import { VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX } from '../generated/virnet-protocol.js';
import { MessageStatus, MessageType } from './constants.js';
import { encodePacket } from './packet.js';

/**
 * The most data one STREAM packet carries: libvirt sends stream data in pieces of the legacy
 * payload limit, so that a peer of any version accepts them.
 */
export const STREAM_CHUNK_MAX = VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX;

/** Which stream a STREAM packet belongs to: the program, procedure and serial of the call that opened it. */
export interface StreamId {
  prog: number;
  vers: number;
  proc: number;
  serial: number;
}

/** One STREAM packet: CONTINUE with data, OK (no body) for the end, ERROR with a remote_error (or none). */
export function streamPacket(id: StreamId, status: number, body?: Uint8Array): Uint8Array {
  return encodePacket({ ...id, type: MessageType.STREAM, status }, body);
}

/** Data as CONTINUE packets of at most STREAM_CHUNK_MAX bytes each. */
export function streamDataPackets(id: StreamId, data: Uint8Array): Uint8Array[] {
  const packets: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; offset += STREAM_CHUNK_MAX) {
    packets.push(streamPacket(id, MessageStatus.CONTINUE, data.subarray(offset, offset + STREAM_CHUNK_MAX)));
  }
  return packets;
}
