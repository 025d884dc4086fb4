import type { XdrCodec } from './codec.js';

/**
 * One procedure of a program, from its enum member and the comment above it in the .x file. The
 * codecs follow libvirt's naming rule (`<prog>_<proc>_args`, `_ret`, `_msg`); absent means void.
 */
export interface ProcedureInfo {
  /** The enum member, e.g. `REMOTE_PROC_DOMAIN_GET_STATE`. */
  readonly name: string;
  readonly args?: XdrCodec<unknown>;
  readonly ret?: XdrCodec<unknown>;
  /** Events: the body of a VIR_NET_MESSAGE the server sends. */
  readonly msg?: XdrCodec<unknown>;
  /** `@priority`: high-priority calls may run while low ones block on a monitor. */
  readonly priority: 'high' | 'low';
  /** `@acl` rules, e.g. `domain:read`, `domain:write:VIR_DOMAIN_AFFECT_CONFIG`. */
  readonly acl: readonly string[];
  /** `@readstream` / `@writestream`: the call opens a stream (seen from the client). */
  readonly stream?: 'read' | 'write';
}
