import { isVirtError } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import { REMOTE_PROCEDURES } from '../src/generated/remote-protocol.js';
import { PacketDecoder } from '../src/wire/index.js';
import { decodeXdr, encodeXdr, type XdrCodec } from '../src/xdr/index.js';

// A deterministic generator, so a failure reproduces.
function makeRandom(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((state / 2 ** 31) * below);
  };
}

/** Decoding hostile bytes either yields a value or a VirtError RPC, nothing else. */
function decodeOrRpcError(codec: XdrCodec<unknown>, bytes: Uint8Array): void {
  try {
    decodeXdr(codec, bytes);
  } catch (error) {
    expect(isVirtError(error, 'RPC'), String(error)).toBe(true);
  }
}

const codecs = [...REMOTE_PROCEDURES.values()].flatMap((p) =>
  [p.args, p.ret, p.msg].filter((c) => c !== undefined),
);

describe('malformed input', () => {
  it('decodes random bytes as any procedure payload without anything but VirtError RPC', () => {
    const random = makeRandom(7);
    for (let round = 0; round < 5000; round++) {
      const bytes = new Uint8Array(random(64)).map(() => (random(4) === 0 ? 0xff : random(4)));
      decodeOrRpcError(codecs[random(codecs.length)] as XdrCodec<unknown>, bytes);
    }
  });

  it('survives truncated and bit-flipped versions of valid payloads', () => {
    const random = makeRandom(11);
    const dom = { name: 'guest', uuid: new Uint8Array(16).fill(1), id: 3 };
    const samples: [XdrCodec<unknown>, Uint8Array][] = [...REMOTE_PROCEDURES.values()]
      .filter((p) => p.args)
      .slice(0, 120)
      .flatMap((p) => {
        try {
          // Most args are { dom, flags } or similar; the ones this value does not fit are skipped.
          return [[p.args, encodeXdr(p.args as XdrCodec<unknown>, { dom, flags: 0, name: 'x' })]];
        } catch {
          return [];
        }
      }) as [XdrCodec<unknown>, Uint8Array][];
    expect(samples.length).toBeGreaterThan(10);
    for (let round = 0; round < 5000; round++) {
      const [codec, valid] = samples[random(samples.length)] as [XdrCodec<unknown>, Uint8Array];
      const mutated = valid.slice(0, random(2) ? valid.length : random(valid.length));
      const at = random(mutated.length);
      if (at < mutated.length) mutated[at] = (mutated[at] as number) ^ (1 << random(8));
      decodeOrRpcError(codec, mutated);
    }
  });

  it('turns a random byte stream into packets or a VirtError RPC', () => {
    const random = makeRandom(3);
    for (let round = 0; round < 2000; round++) {
      const decoder = new PacketDecoder();
      const stream = new Uint8Array(random(200)).map(() => (random(3) === 0 ? 0 : random(256)));
      try {
        decoder.push(stream);
      } catch (error) {
        expect(isVirtError(error, 'RPC')).toBe(true);
      }
    }
  });
});
