import xdr from '@stellar/js-xdr';
import type { XdrCodec } from './codec.js';

/** The largest length an XDR length word can carry: the limit of `<>` declarations. */
export const XDR_UNBOUNDED = 0xffffffff;

/** `string<max>`: UTF-8 text; a longer string (in bytes) is rejected on encode and decode. */
export function xdrString(max: number = XDR_UNBOUNDED): XdrCodec<string> {
  const type = new xdr.String(max);
  return {
    read: (reader) => Buffer.from(type.read(reader)).toString('utf8'),
    write: (value, writer) => {
      if (typeof value !== 'string') throw new Error('value is not a string');
      type.write(value, writer);
    },
  };
}

/** Copies what the library reads, so a decoded value does not pin the whole packet buffer. */
function bytesCodec(type: XdrCodec<Uint8Array>): XdrCodec<Uint8Array> {
  return {
    read: (reader) => new Uint8Array(type.read(reader)),
    write: (value, writer) => {
      if (!(value instanceof Uint8Array)) throw new Error('value is not a Uint8Array');
      type.write(value, writer);
    },
  };
}

/** `opaque[length]`: exactly `length` bytes, padded to 4. */
export function xdrFixedOpaque(length: number): XdrCodec<Uint8Array> {
  return bytesCodec(new xdr.Opaque(length));
}

/** `opaque<max>`: up to `max` bytes after a length word. */
export function xdrOpaque(max: number = XDR_UNBOUNDED): XdrCodec<Uint8Array> {
  return bytesCodec(new xdr.VarOpaque(max));
}

/** `T name[length]`: exactly `length` elements, no length word. */
export function xdrFixedArray<T>(element: XdrCodec<T>, length: number): XdrCodec<T[]> {
  return new xdr.Array(element, length);
}

/** `T name<max>`: up to `max` elements after a length word. */
export function xdrArray<T>(element: XdrCodec<T>, max: number = XDR_UNBOUNDED): XdrCodec<T[]> {
  return new xdr.VarArray(element, max);
}

/** `T *name`: a bool "present" word, then the value; absent is null. */
export function xdrOptional<T>(element: XdrCodec<T>): XdrCodec<T | null> {
  return {
    read: (reader) => (xdr.Bool.read(reader) ? element.read(reader) : null),
    write: (value, writer) => {
      const present = value !== null && value !== undefined;
      xdr.Bool.write(present, writer);
      if (present) element.write(value, writer);
    },
  };
}

/** A struct: its fields in declaration order (the object's key order), as a plain object. */
export function xdrStruct<T extends object>(fields: { [K in keyof T]-?: XdrCodec<T[K]> }): XdrCodec<T> {
  const entries = Object.entries(fields) as [keyof T & string, XdrCodec<unknown>][];
  return {
    read: (reader) => {
      const value: Record<string, unknown> = {};
      for (const [name, codec] of entries) value[name] = codec.read(reader);
      return value as T;
    },
    write: (value, writer) => {
      if (typeof value !== 'object' || value === null) throw new Error('value is not an object');
      for (const [name, codec] of entries) {
        if (!(name in value)) throw new Error(`field ${name} is missing`);
        codec.write(value[name], writer);
      }
    },
  };
}

/** A union's value: the discriminant, and the arm's value unless the arm is void. */
export interface XdrUnionValue {
  type: number;
  value?: unknown;
}

/**
 * `union switch (int type) { case …: …; default: … }`. An arm codec of null is a void arm; without a
 * default arm an unknown discriminant is an error, as with rpcgen.
 */
export function xdrUnion<T extends XdrUnionValue>(
  discriminant: XdrCodec<number>,
  arms: ReadonlyArray<readonly [number, XdrCodec<unknown> | null]>,
  defaultArm?: XdrCodec<unknown> | null,
): XdrCodec<T> {
  const byCase = new Map(arms);
  const armOf = (type: number): XdrCodec<unknown> | null => {
    const arm = byCase.has(type) ? byCase.get(type) : defaultArm;
    if (arm === undefined) throw new Error(`union discriminant ${type} has no arm`);
    return arm;
  };
  return {
    read: (reader) => {
      const type = discriminant.read(reader);
      const arm = armOf(type);
      return (arm ? { type, value: arm.read(reader) } : { type }) as T;
    },
    write: (union, writer) => {
      const arm = armOf(union.type);
      discriminant.write(union.type, writer);
      arm?.write(union.value, writer);
    },
  };
}
