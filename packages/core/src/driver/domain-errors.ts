import { VirtError } from '../errors/index.js';
import type { DomainRef } from '../events/index.js';
import type { DomainKey } from './driver.js';

/** libvirt's NO_DOMAIN for a failed lookup: "Domain not found: no domain with matching name 'x'". */
export function noDomainError(key: DomainKey): VirtError {
  const detail =
    'name' in key
      ? `no domain with matching name '${key.name}'`
      : 'uuid' in key
        ? `no domain with matching uuid '${key.uuid}'`
        : `no domain with matching id ${key.id}`;
  return new VirtError('NO_DOMAIN', detail);
}

/** libvirt's NO_DOMAIN for an operation on a domain that has gone: names its uuid and name. */
export function domainGoneError(domain: DomainRef): VirtError {
  return new VirtError('NO_DOMAIN', `no domain with matching uuid '${domain.uuid}' (${domain.name})`);
}
