import {
  KEEPALIVE_PROC_PING,
  KEEPALIVE_PROC_PONG,
  KEEPALIVE_PROGRAM,
  KEEPALIVE_PROTOCOL_VERSION,
  MessageStatus,
  MessageType,
} from './constants.js';
import { encodePacket, type MessageHeader } from './packet.js';

/** virKeepAliveMessage: an asynchronous MESSAGE of the keepalive program, serial 0, no body. */
function keepalivePacket(proc: number): Uint8Array {
  return encodePacket({
    prog: KEEPALIVE_PROGRAM,
    vers: KEEPALIVE_PROTOCOL_VERSION,
    proc,
    type: MessageType.MESSAGE,
    serial: 0,
    status: MessageStatus.OK,
  });
}

/** A keepalive PING packet, ready to write. */
export function keepalivePing(): Uint8Array {
  return keepalivePacket(KEEPALIVE_PROC_PING);
}

/** The PONG that answers a PING. */
export function keepalivePong(): Uint8Array {
  return keepalivePacket(KEEPALIVE_PROC_PONG);
}

/** Whether a packet belongs to the keepalive program rather than to a call or an event. */
export function isKeepalive(header: MessageHeader): boolean {
  return header.prog === KEEPALIVE_PROGRAM;
}
