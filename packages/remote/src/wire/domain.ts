import type { DomainRef } from '@virtkit/core';
import type { RemoteNonnullDomain } from '../generated/remote-protocol.js';

/** How a domain travels on the wire. */
export type WireDomain = RemoteNonnullDomain;

/** A UUID's 16 bytes, as remote_uuid carries it. */
export function uuidToBytes(uuid: string): Uint8Array {
  return Uint8Array.from(Buffer.from(uuid.replaceAll('-', ''), 'hex'));
}

/** The 16 raw bytes in core's lower-case dashed form. */
export function uuidFromBytes(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function domainToWire(ref: DomainRef): WireDomain {
  return { name: ref.name, uuid: uuidToBytes(ref.uuid), id: ref.id };
}

export function domainFromWire(dom: WireDomain): DomainRef {
  return { name: dom.name, uuid: uuidFromBytes(dom.uuid), id: dom.id };
}
