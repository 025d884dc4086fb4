import xdr from '@stellar/js-xdr';
import { VirtError } from '@virtkit/core';

/** Where a codec reads from: @stellar/js-xdr's XdrReader, which checks bounds and zero padding. */
export interface XdrReader {
  remainingBytes(): number;
  ensureInputConsumed(): void;
}

/** Where a codec writes to: @stellar/js-xdr's XdrWriter, which pads with zeros. */
export interface XdrWriter {
  finalize(): Uint8Array;
}

/**
 * Reads and writes one XDR type. Methods (not function properties) so that a codec of a specific
 * type is assignable to `XdrCodec<unknown>` in the procedure tables.
 */
export interface XdrCodec<T> {
  read(reader: XdrReader): T;
  write(value: T, writer: XdrWriter): void;
}

function reason(error: unknown): string {
  // The library prefixes its messages ("XDR Read Error: …"); keep only what went wrong.
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^XDR (Read|Write) Error: /, '');
}

/** Encodes `value`; a value that does not fit the type (range, length, shape) is a VirtError RPC. */
export function encodeXdr<T>(codec: XdrCodec<T>, value: T): Uint8Array {
  const writer = new xdr.XdrWriter();
  try {
    codec.write(value, writer);
  } catch (error) {
    if (error instanceof VirtError) throw error;
    throw new VirtError('RPC', `Unable to encode message payload: ${reason(error)}`, { cause: error });
  }
  return writer.finalize();
}

/**
 * Decodes `bytes` as one whole value: truncated, oversized, badly padded input and trailing bytes
 * are a VirtError RPC, as libvirt reports "Unable to decode message payload".
 */
export function decodeXdr<T>(codec: XdrCodec<T>, bytes: Uint8Array): T {
  const reader = new xdr.XdrReader(bytes);
  try {
    const value = codec.read(reader);
    reader.ensureInputConsumed();
    return value;
  } catch (error) {
    if (error instanceof VirtError) throw error;
    // libvirt's exact text; what went wrong stays in `cause` for logs.
    throw new VirtError('RPC', 'Unable to decode message payload', { domain: 'RPC', cause: error });
  }
}
