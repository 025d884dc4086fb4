/** A C string's bytes as XDR `char`s (signed, as rpcgen's xdr_char). */
function signedChars(bytes: Uint8Array): number[] {
  return [...bytes].map((byte) => (byte > 127 ? byte - 256 : byte));
}

/** libvirt sends security models, DOIs and labels as char arrays with their NUL terminator. */
export function cString(text: string): number[] {
  return signedChars(Buffer.from(`${text}\0`, 'utf8'));
}

/** A fixed `char name[size]` (remote_node_get_info_ret's model): NUL-padded, cut to fit. */
export function fixedCString(text: string, size: number): number[] {
  const bytes = Buffer.alloc(size);
  Buffer.from(text, 'utf8').copy(bytes, 0, 0, size - 1);
  return signedChars(bytes);
}

/** libvirt's int booleans. */
export function flag(value: boolean): number {
  return value ? 1 : 0;
}
