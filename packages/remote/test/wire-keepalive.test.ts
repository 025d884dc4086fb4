import { describe, expect, it } from 'vitest';
import {
  decodePacket,
  encodePacket,
  isKeepalive,
  KEEPALIVE_PROC_PING,
  KEEPALIVE_PROC_PONG,
  KEEPALIVE_PROGRAM,
  keepalivePing,
  keepalivePong,
  MessageStatus,
  MessageType,
  REMOTE_PROGRAM,
} from '../src/wire/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('keepalive packets', () => {
  it.each([
    ['PING', keepalivePing, '00000001'],
    ['PONG', keepalivePong, '00000002'],
  ])('%s is a bodiless MESSAGE of the keepalive program, serial 0', (_name, make, proc) => {
    // 'keep' in ASCII is the program number.
    expect(hex(make())).toBe(
      `0000001c 6b656570 00000001 ${proc} 00000002 00000000 00000000`.replace(/ /g, ''),
    );
  });

  it('decodes to the PING and PONG procedures', () => {
    expect(decodePacket(keepalivePing()).header).toMatchObject({
      prog: KEEPALIVE_PROGRAM,
      proc: KEEPALIVE_PROC_PING,
      type: MessageType.MESSAGE,
    });
    expect(decodePacket(keepalivePong()).header.proc).toBe(KEEPALIVE_PROC_PONG);
  });

  it('tells keepalive packets from remote program ones', () => {
    expect(isKeepalive(decodePacket(keepalivePing()).header)).toBe(true);
    const call = {
      prog: REMOTE_PROGRAM,
      vers: 1,
      proc: 1,
      type: MessageType.CALL,
      serial: 1,
      status: MessageStatus.OK,
    };
    expect(isKeepalive(decodePacket(encodePacket(call)).header)).toBe(false);
  });
});
