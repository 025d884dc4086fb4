import xdr from '@stellar/js-xdr';
import type { XdrCodec } from './codec.js';

/** XDR int: a 32-bit signed integer; the library rejects non-integers and out-of-range values. */
export const xdrInt: XdrCodec<number> = xdr.Int;
/** XDR unsigned int. */
export const xdrUint: XdrCodec<number> = xdr.UnsignedInt;
/** XDR bool: only 0 and 1 are accepted on decode. */
export const xdrBool: XdrCodec<boolean> = xdr.Bool;
export const xdrFloat: XdrCodec<number> = xdr.Float;
export const xdrDouble: XdrCodec<number> = xdr.Double;

function bigintCodec(type: typeof xdr.Hyper): XdrCodec<bigint> {
  return {
    read: (reader) => type.read(reader).toBigInt(),
    // The library checks that the value is a bigint within the type's range.
    write: (value, writer) => type.write(value, writer),
  };
}

/** XDR hyper: 64-bit signed, as a bigint. */
export const xdrHyper = bigintCodec(xdr.Hyper);
/** XDR unsigned hyper: 64-bit unsigned, as a bigint. */
export const xdrUhyper = bigintCodec(xdr.UnsignedHyper);

/**
 * rpcgen's char and short travel as a whole 4-byte int (xdr_char, xdr_short). glibc truncates an
 * out-of-range value silently; here it is an error both ways, so nothing is lost unnoticed.
 */
function narrowInt(name: string, min: number, max: number): XdrCodec<number> {
  const check = (value: number): number => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${value} is not a valid ${name}`);
    }
    return value;
  };
  return {
    read: (reader) => check(xdr.Int.read(reader)),
    write: (value, writer) => xdr.Int.write(check(value), writer),
  };
}

export const xdrChar = narrowInt('char', -128, 127);
export const xdrUchar = narrowInt('unsigned char', 0, 255);
export const xdrShort = narrowInt('short', -32768, 32767);
export const xdrUshort = narrowInt('unsigned short', 0, 65535);
