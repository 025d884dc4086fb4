import { isVirtError } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import {
  decodePacket,
  encodePacket,
  MAX_PACKET_SIZE,
  type MessageHeader,
  MessageStatus,
  MessageType,
  MIN_PACKET_SIZE,
  type Packet,
  PacketDecoder,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
} from '../src/wire/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function header(serial: number, proc = 212): MessageHeader {
  return {
    prog: REMOTE_PROGRAM,
    vers: REMOTE_PROTOCOL_VERSION,
    proc,
    type: MessageType.CALL,
    serial,
    status: MessageStatus.OK,
  };
}

const packets: Packet[] = [
  { header: header(1, 1), body: new Uint8Array([0, 0, 0, 1, 0xaa, 0xbb, 0xcc, 0]) },
  { header: header(2), body: new Uint8Array(0) },
  { header: header(3), body: new Uint8Array(300).map((_, i) => i % 256) },
];
const stream = Buffer.concat(packets.map((p) => encodePacket(p.header, p.body)));

/** Feeds `bytes` cut at `cuts` and collects what comes out, as plain values. */
function feed(bytes: Uint8Array, cuts: number[]): { header: MessageHeader; body: number[] }[] {
  const decoder = new PacketDecoder();
  const out: Packet[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...decoder.push(bytes.subarray(from, cut)));
    from = cut;
  }
  expect(decoder.pending).toBe(0);
  return out.map((p) => ({ header: p.header, body: [...p.body] }));
}

const expected = packets.map((p) => ({ header: p.header, body: [...p.body] }));

function rpcFailure(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(isVirtError(error, 'RPC')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a VirtError RPC');
}

describe('packet framing', () => {
  it('frames a call as libvirt does: length word counting itself, header, body', () => {
    const packet = encodePacket(header(5), new Uint8Array([1, 2, 3, 4]));
    expect(hex(packet)).toBe(
      ['00000020', '20008086', '00000001', '000000d4', '00000000', '00000005', '00000000', '01020304'].join(
        '',
      ),
    );
    const { header: decoded, body } = decodePacket(packet);
    expect([decoded, [...body]]).toEqual([header(5), [1, 2, 3, 4]]);
  });

  it('reassembles packets from one chunk', () => {
    expect(feed(stream, [])).toEqual(expected);
  });

  it('reassembles packets cut at every single position', () => {
    for (let cut = 1; cut < stream.length; cut++) expect(feed(stream, [cut])).toEqual(expected);
  });

  it('reassembles packets fed one byte at a time', () => {
    expect(
      feed(
        stream,
        Array.from({ length: stream.length - 1 }, (_, i) => i + 1),
      ),
    ).toEqual(expected);
  });

  it('reassembles packets cut at random places', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 8) }, () =>
        Math.floor(random() * stream.length),
      );
      expect(
        feed(
          stream,
          [...new Set(cuts)].sort((a, b) => a - b),
        ),
      ).toEqual(expected);
    }
  });

  it('keeps a partial packet pending until the rest arrives', () => {
    const decoder = new PacketDecoder();
    expect(decoder.push(stream.subarray(0, 10))).toEqual([]);
    expect(decoder.pending).toBe(10);
  });

  it.each([
    ['zero', 0],
    ['the length word alone', 4],
    ['one byte short of a header', MIN_PACKET_SIZE - 1],
  ])('rejects a length of %s as too small', (_name, length) => {
    const word = Buffer.alloc(4);
    word.writeUInt32BE(length);
    expect(rpcFailure(() => new PacketDecoder().push(word))).toMatch(/too small/);
  });

  it('rejects a length above VIR_NET_MESSAGE_MAX at once, without waiting for the bytes', () => {
    const word = Buffer.alloc(4);
    word.writeUInt32BE(MAX_PACKET_SIZE + 1);
    expect(rpcFailure(() => new PacketDecoder().push(word))).toMatch(/too large/);
  });

  it('accepts the largest length and waits for its bytes', () => {
    const word = Buffer.alloc(4);
    word.writeUInt32BE(MAX_PACKET_SIZE);
    const decoder = new PacketDecoder();
    expect(decoder.push(word)).toEqual([]);
    expect(decoder.pending).toBe(4);
  });

  it('stays failed after a bad length: the stream is out of step', () => {
    const decoder = new PacketDecoder();
    expect(() => decoder.push(new Uint8Array([0, 0, 0, 1]))).toThrow();
    expect(() => decoder.push(stream)).toThrow(/too small/);
  });

  it('refuses to encode a body that would exceed VIR_NET_MESSAGE_MAX', () => {
    const body = new Uint8Array(MAX_PACKET_SIZE - MIN_PACKET_SIZE + 1);
    expect(rpcFailure(() => encodePacket(header(1), body))).toMatch(/Unable to encode/);
  });

  it('rejects a whole packet whose length word disagrees with its size', () => {
    const packet = Buffer.from(encodePacket(header(1), new Uint8Array(4)));
    expect(rpcFailure(() => decodePacket(packet.subarray(0, packet.length - 4)))).toMatch(/length word/);
  });
});
