import { type Connection, Domain, type DomainRef } from '@virtkit/core';
import type { RemoteNonnullDomain } from '../generated/remote-protocol.js';

/** A UUID's 16 bytes, as remote_uuid carries it. */
export function uuidToBytes(uuid: string): Uint8Array {
  return Uint8Array.from(Buffer.from(uuid.replaceAll('-', ''), 'hex'));
}

/** The lower-case dashed form core uses. */
export function uuidFromBytes(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function domainToWire(ref: DomainRef): RemoteNonnullDomain {
  return { name: ref.name, uuid: uuidToBytes(ref.uuid), id: ref.id };
}

/**
 * The domain a call names. As libvirtd's get_nonnull_domain, the handle is built from what the
 * client sent, unchecked: the driver finds (or fails to find) the domain by its UUID.
 */
export function domainFromWire(connection: Connection, wire: RemoteNonnullDomain): Domain {
  return new Domain(connection, { name: wire.name, uuid: uuidFromBytes(wire.uuid), id: wire.id });
}
