import { Domain } from '@virtkit/core';
import type { RemoteNonnullDomain } from '../../generated/remote-protocol.js';
import { domainFromWire } from '../../wire/domain.js';
import { type ProcedureEntry, procedure } from '../procedure-table.js';

/**
 * A procedure about the domain its args name in `dom`. As libvirtd's get_nonnull_domain, the
 * handle is built from what the client sent, unchecked: the driver finds (or fails to find) the
 * domain by its UUID.
 */
export function onDomain<A extends { dom: RemoteNonnullDomain }, R>(
  proc: number,
  handler: (domain: Domain, args: A) => Promise<R>,
): ProcedureEntry {
  return procedure<A, R>(proc, (session, args) =>
    handler(new Domain(session.connection, domainFromWire(args.dom)), args),
  );
}
