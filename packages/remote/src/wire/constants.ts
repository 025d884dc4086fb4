import {
  KEEPALIVE_PROC_PING,
  KEEPALIVE_PROC_PONG,
  KEEPALIVE_PROGRAM,
  KEEPALIVE_PROTOCOL_VERSION,
} from '../generated/keepalive-protocol.js';
import { LXC_PROGRAM, LXC_PROTOCOL_VERSION } from '../generated/lxc-protocol.js';
import { QEMU_PROGRAM, QEMU_PROTOCOL_VERSION } from '../generated/qemu-protocol.js';
import { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION } from '../generated/remote-protocol.js';
import {
  VIR_NET_CALL,
  VIR_NET_CALL_WITH_FDS,
  VIR_NET_CONTINUE,
  VIR_NET_ERROR,
  VIR_NET_MESSAGE,
  VIR_NET_MESSAGE_HEADER_MAX,
  VIR_NET_MESSAGE_LEN_MAX,
  VIR_NET_MESSAGE_MAX,
  VIR_NET_OK,
  VIR_NET_REPLY,
  VIR_NET_REPLY_WITH_FDS,
  VIR_NET_STREAM,
  VIR_NET_STREAM_HOLE,
} from '../generated/virnet-protocol.js';

export {
  KEEPALIVE_PROC_PING,
  KEEPALIVE_PROC_PONG,
  KEEPALIVE_PROGRAM,
  KEEPALIVE_PROTOCOL_VERSION,
  LXC_PROGRAM,
  LXC_PROTOCOL_VERSION,
  QEMU_PROGRAM,
  QEMU_PROTOCOL_VERSION,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
  VIR_NET_MESSAGE_MAX,
};

/** virNetMessageType: what a packet is. */
export const MessageType = {
  CALL: VIR_NET_CALL,
  REPLY: VIR_NET_REPLY,
  MESSAGE: VIR_NET_MESSAGE,
  STREAM: VIR_NET_STREAM,
  CALL_WITH_FDS: VIR_NET_CALL_WITH_FDS,
  REPLY_WITH_FDS: VIR_NET_REPLY_WITH_FDS,
  STREAM_HOLE: VIR_NET_STREAM_HOLE,
} as const;

/** virNetMessageStatus: OK for calls and good replies, ERROR before a remote_error, CONTINUE in streams. */
export const MessageStatus = {
  OK: VIR_NET_OK,
  ERROR: VIR_NET_ERROR,
  CONTINUE: VIR_NET_CONTINUE,
} as const;

/** The length word that starts every packet; it counts itself. */
export const LENGTH_WORD_SIZE = VIR_NET_MESSAGE_LEN_MAX;
/** The header after the length word: six 4-byte fields. */
export const HEADER_SIZE = VIR_NET_MESSAGE_HEADER_MAX;
/** The smallest valid packet: a length word and a header, no body. */
export const MIN_PACKET_SIZE = LENGTH_WORD_SIZE + HEADER_SIZE;
/** The largest valid packet: libvirt limits what follows the length word to VIR_NET_MESSAGE_MAX. */
export const MAX_PACKET_SIZE = LENGTH_WORD_SIZE + VIR_NET_MESSAGE_MAX;
