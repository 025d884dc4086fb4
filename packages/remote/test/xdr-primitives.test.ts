import { isVirtError } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import {
  decodeXdr,
  encodeXdr,
  type XdrCodec,
  xdrArray,
  xdrBool,
  xdrChar,
  xdrDouble,
  xdrFixedArray,
  xdrFixedOpaque,
  xdrHyper,
  xdrInt,
  xdrOpaque,
  xdrOptional,
  xdrShort,
  xdrString,
  xdrStruct,
  xdrUchar,
  xdrUhyper,
  xdrUint,
  xdrUnion,
  xdrUshort,
} from '../src/xdr/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s/g, ''), 'hex'));

/** Asserts that `action` fails with a VirtError RPC, the error every codec failure becomes. */
function expectRpcError(action: () => unknown): void {
  let failure: unknown;
  try {
    action();
  } catch (error) {
    failure = error;
  }
  expect(isVirtError(failure, 'RPC'), String(failure)).toBe(true);
}

// [name, codec, value, wire bytes]: each must encode to exactly these bytes and decode back.
const roundTrips: [string, XdrCodec<unknown>, unknown, string][] = [
  ['int 1', xdrInt, 1, '00000001'],
  ['int -1', xdrInt, -1, 'ffffffff'],
  ['int max', xdrInt, 2147483647, '7fffffff'],
  ['int min', xdrInt, -2147483648, '80000000'],
  ['unsigned int max', xdrUint, 0xffffffff, 'ffffffff'],
  ['hyper min', xdrHyper, -(2n ** 63n), '8000000000000000'],
  ['hyper max', xdrHyper, 2n ** 63n - 1n, '7fffffffffffffff'],
  ['hyper -2', xdrHyper, -2n, 'fffffffffffffffe'],
  ['unsigned hyper max', xdrUhyper, 2n ** 64n - 1n, 'ffffffffffffffff'],
  ['bool true', xdrBool, true, '00000001'],
  ['bool false', xdrBool, false, '00000000'],
  ['double 1.5', xdrDouble, 1.5, '3ff8000000000000'],
  ['char -128 (a whole int, as rpcgen)', xdrChar, -128, 'ffffff80'],
  ['unsigned char 255', xdrUchar, 255, '000000ff'],
  ['short -32768', xdrShort, -32768, 'ffff8000'],
  ['unsigned short 65535', xdrUshort, 65535, '0000ffff'],
  ['string, padded to 4', xdrString(), 'abcde', '00000005 6162636465 000000'],
  ['string, counted in UTF-8 bytes', xdrString(6), 'héllo', '00000006 68c3a96c6c6f 0000'],
  ['empty string', xdrString(0), '', '00000000'],
  ['opaque', xdrOpaque(4), bytes('010203'), '00000003 010203 00'],
  ['fixed opaque', xdrFixedOpaque(5), bytes('0102030405'), '0102030405 000000'],
  ['array', xdrArray(xdrInt, 2), [7, 8], '00000002 00000007 00000008'],
  ['fixed array', xdrFixedArray(xdrUint, 2), [7, 8], '00000007 00000008'],
  ['optional absent', xdrOptional(xdrInt), null, '00000000'],
  ['optional present', xdrOptional(xdrInt), 9, '00000001 00000009'],
];

describe('XDR primitives and composites', () => {
  it.each(roundTrips)('%s: encodes byte-exact and decodes back', (_name, codec, value, wire) => {
    expect(hex(encodeXdr(codec, value))).toBe(wire.replace(/\s/g, ''));
    expect(decodeXdr(codec, bytes(wire))).toEqual(value);
  });

  it('decodes opaque data into a copy, not a view of the input', () => {
    const input = bytes('00000001 ab000000');
    const decoded = decodeXdr(xdrOpaque(), input);
    input[4] = 0;
    expect([...decoded]).toEqual([0xab]);
  });

  // [name, codec, value]: values that do not fit the type.
  const badValues: [string, XdrCodec<unknown>, unknown][] = [
    ['int above max', xdrInt, 2147483648],
    ['int below min', xdrInt, -2147483649],
    ['int fraction', xdrInt, 1.5],
    ['unsigned int negative', xdrUint, -1],
    ['unsigned int above max', xdrUint, 2 ** 32],
    ['hyper above max', xdrHyper, 2n ** 63n],
    ['hyper below min', xdrHyper, -(2n ** 63n) - 1n],
    ['hyper as number', xdrHyper, 1],
    ['unsigned hyper negative', xdrUhyper, -1n],
    ['unsigned hyper above max', xdrUhyper, 2n ** 64n],
    ['char above 127', xdrChar, 128],
    ['unsigned char negative', xdrUchar, -1],
    ['short above max', xdrShort, 32768],
    ['unsigned short above max', xdrUshort, 65536],
    ['string over its max', xdrString(4), 'abcde'],
    ['string over its max in UTF-8 bytes', xdrString(5), 'héllo'],
    ['string given a number', xdrString(), 5],
    ['opaque over its max', xdrOpaque(2), bytes('010203')],
    ['fixed opaque of another length', xdrFixedOpaque(4), bytes('010203')],
    ['opaque given a string', xdrOpaque(), 'abc'],
    ['array over its max', xdrArray(xdrInt, 1), [1, 2]],
    ['fixed array of another length', xdrFixedArray(xdrInt, 2), [1]],
    ['array given an object', xdrArray(xdrInt), { length: 0 }],
  ];

  it.each(badValues)('rejects on encode: %s', (_name, codec, value) => {
    expectRpcError(() => encodeXdr(codec, value));
  });

  // [name, codec, wire bytes]: input a peer could send that must not decode.
  const badInput: [string, XdrCodec<unknown>, string][] = [
    ['bool 2', xdrBool, '00000002'],
    ['optional flag 2', xdrOptional(xdrInt), '00000002 00000001'],
    ['char out of range', xdrChar, '00000080'],
    ['unsigned short out of range', xdrUshort, '00010000'],
    ['string over its max', xdrString(4), '00000005 6162636465 000000'],
    ['string with non-zero padding', xdrString(), '00000001 61 000100'],
    ['string without its padding', xdrString(), '00000001 61'],
    ['opaque over its max', xdrOpaque(2), '00000003 010203 00'],
    ['opaque with non-zero padding', xdrOpaque(), '00000001 01 ff0000'],
    ['fixed opaque with non-zero padding', xdrFixedOpaque(1), '01 000001'],
    ['array over its max', xdrArray(xdrInt, 1), '00000002 00000001 00000002'],
    ['array claiming more elements than bytes', xdrArray(xdrInt), 'ffffffff 00000001'],
    ['truncated int', xdrInt, '000000'],
    ['truncated hyper', xdrHyper, '00000000 000000'],
    ['trailing bytes', xdrInt, '00000001 00000000'],
    ['empty input', xdrUint, ''],
  ];

  it.each(badInput)('rejects on decode: %s', (_name, codec, wire) => {
    expectRpcError(() => decodeXdr(codec, bytes(wire)));
  });
});

describe('XDR structs and unions', () => {
  const pair = xdrStruct<{ a: number; b: string }>({ a: xdrInt, b: xdrString() });
  type Choice = { type: 1; value: number } | { type: 2; value?: undefined };
  const choice = xdrUnion<Choice>(xdrInt, [
    [1, xdrInt],
    [2, null],
  ]);
  const withDefault = xdrUnion<{ type: number; value?: unknown }>(xdrInt, [[1, xdrInt]], xdrBool);

  it('encodes struct fields in declaration order', () => {
    expect(hex(encodeXdr(pair, { b: 'x', a: 3 }))).toBe('00000003' + '00000001' + '78000000');
  });

  it('rejects a struct with a missing field', () => {
    expectRpcError(() => encodeXdr(pair, { a: 1 } as never));
  });

  it('encodes a union arm after its discriminant, and a void arm as the discriminant alone', () => {
    expect(hex(encodeXdr(choice, { type: 1, value: 5 }))).toBe('00000001' + '00000005');
    expect(hex(encodeXdr(choice, { type: 2 }))).toBe('00000002');
    expect(decodeXdr(choice, bytes('00000002'))).toEqual({ type: 2 });
  });

  it('rejects a discriminant without an arm, both ways', () => {
    expectRpcError(() => encodeXdr(choice, { type: 3 } as never));
    expectRpcError(() => decodeXdr(choice, bytes('00000003')));
  });

  it('uses the default arm for any other discriminant', () => {
    expect(decodeXdr(withDefault, bytes('00000009 00000001'))).toEqual({ type: 9, value: true });
    expect(hex(encodeXdr(withDefault, { type: 9, value: false }))).toBe('00000009' + '00000000');
  });
});
