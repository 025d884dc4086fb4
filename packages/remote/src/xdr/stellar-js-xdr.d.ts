// @stellar/js-xdr ships no type declarations; these are the few parts the codecs use.
declare module '@stellar/js-xdr' {
  interface Reader {
    remainingBytes(): number;
    ensureInputConsumed(): void;
  }
  interface Writer {
    finalize(): Uint8Array;
  }

  interface TypeCodec<R, W = R> {
    read(reader: Reader): R;
    write(value: W, writer: Writer): void;
  }

  interface XdrLibrary {
    XdrReader: new (source: Uint8Array) => Reader;
    XdrWriter: new () => Writer;
    Int: TypeCodec<number>;
    UnsignedInt: TypeCodec<number>;
    Hyper: TypeCodec<{ toBigInt(): bigint }, bigint>;
    UnsignedHyper: TypeCodec<{ toBigInt(): bigint }, bigint>;
    Bool: TypeCodec<boolean>;
    Float: TypeCodec<number>;
    Double: TypeCodec<number>;
    String: new (maxLength: number) => TypeCodec<Uint8Array, string>;
    Opaque: new (length: number) => TypeCodec<Uint8Array>;
    VarOpaque: new (maxLength: number) => TypeCodec<Uint8Array>;
    Array: new <T>(child: TypeCodec<T>, length: number) => TypeCodec<T[]>;
    VarArray: new <T>(child: TypeCodec<T>, maxLength: number) => TypeCodec<T[]>;
  }

  const xdr: XdrLibrary;
  export default xdr;
}
