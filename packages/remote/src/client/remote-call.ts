import { VirtError } from '@virtkit/core';
import { REMOTE_PROCEDURES } from '../generated/remote-protocol.js';
import { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION } from '../wire/index.js';
import { decodeXdr, encodeXdr } from '../xdr/index.js';
import type { RpcClient } from './rpc-client.js';

/** Calls a REMOTE_PROGRAM procedure, encoding its args and decoding its ret by the generated table. */
export type RemoteCall = <R = void>(proc: number, args?: unknown) => Promise<R>;

export function remoteCaller(rpc: RpcClient): RemoteCall {
  return async <R>(proc: number, args?: unknown): Promise<R> => {
    const entry = REMOTE_PROCEDURES.get(proc);
    if (!entry) throw new VirtError('INTERNAL_ERROR', `unknown remote procedure ${proc}`);
    const body = entry.args ? encodeXdr(entry.args, args) : new Uint8Array(0);
    const reply = await rpc.call(REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, proc, body);
    return (entry.ret ? decodeXdr(entry.ret, reply) : undefined) as R;
  };
}
