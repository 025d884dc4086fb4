import type { Domain } from '@virtkit/core';
import type { RemoteNonnullDomain } from '../../generated/remote-protocol.js';
import { type ProcedureEntry, procedure } from '../procedure-table.js';
import { domainFromWire } from '../wire-domain.js';

/** A procedure about the domain its args name in `dom`. */
export function onDomain<A extends { dom: RemoteNonnullDomain }, R>(
  proc: number,
  handler: (domain: Domain, args: A) => Promise<R>,
): ProcedureEntry {
  return procedure<A, R>(proc, (session, args) =>
    handler(domainFromWire(session.connection, args.dom), args),
  );
}
