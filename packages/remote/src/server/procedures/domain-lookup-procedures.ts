import * as P from '../../generated/remote-protocol.js';
import { domainToWire, uuidFromBytes } from '../../wire/domain.js';
import { procedure } from '../procedure-table.js';

/** Lookups: each answers the domain's name, uuid and current id. */
export const DOMAIN_LOOKUP_PROCEDURES = [
  procedure<P.RemoteDomainLookupByNameArgs, P.RemoteDomainLookupByNameRet>(
    P.REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME,
    async (session, args) => ({
      dom: domainToWire((await session.connection.lookupDomainByName(args.name)).ref),
    }),
  ),
  procedure<P.RemoteDomainLookupByUuidArgs, P.RemoteDomainLookupByUuidRet>(
    P.REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID,
    async (session, args) => ({
      dom: domainToWire((await session.connection.lookupDomainByUuid(uuidFromBytes(args.uuid))).ref),
    }),
  ),
  procedure<P.RemoteDomainLookupByIdArgs, P.RemoteDomainLookupByIdRet>(
    P.REMOTE_PROC_DOMAIN_LOOKUP_BY_ID,
    async (session, args) => ({
      dom: domainToWire((await session.connection.lookupDomainById(args.id)).ref),
    }),
  ),
];
