import type { ListFilter } from '@virtkit/core';
import * as P from '../../generated/remote-protocol.js';
import { domainToWire } from '../../wire/domain.js';
import { CONNECT_RO, FEATURE_PROGRAM_KEEPALIVE, LIST_FLAGS, LIST_STATE_FLAGS } from '../../wire/flags.js';
import { checkFlags } from '../flag-options.js';
import { procedure } from '../procedure-table.js';
import { cString, fixedCString } from '../wire-values.js';

/**
 * virDrvFeature numbers the daemon answers itself (remoteDispatchConnectSupportsFeature):
 * keepalive, callback-id events and the close callback. FD passing is not offered.
 */
const DAEMON_FEATURES = new Map([
  [9, true], // TYPED_PARAM_STRING
  [FEATURE_PROGRAM_KEEPALIVE, true],
  [14, true], // REMOTE_EVENT_CALLBACK
  [15, true], // REMOTE_CLOSE_CALLBACK
]);

function listFilter(flags: number): ListFilter {
  const filter: ListFilter = {};
  for (const [field, { on, off }] of Object.entries(LIST_FLAGS)) {
    // Both or neither of a pair means no filter, as libvirt's virDomainObjListFilter.
    if (Boolean(flags & on) !== Boolean(flags & off)) {
      filter[field as keyof typeof LIST_FLAGS] = Boolean(flags & on);
    }
  }
  const states = (Object.keys(LIST_STATE_FLAGS) as (keyof typeof LIST_STATE_FLAGS)[]).filter(
    (state) => flags & LIST_STATE_FLAGS[state],
  );
  if (states.length > 0) filter.states = states;
  return filter;
}

export const CONNECT_PROCEDURES = [
  procedure<P.RemoteConnectOpenArgs, void>(P.REMOTE_PROC_CONNECT_OPEN, (session, args) =>
    session.open(args.name, (args.flags & CONNECT_RO) !== 0),
  ),
  procedure<void, void>(P.REMOTE_PROC_CONNECT_CLOSE, (session) => session.close()),
  // Only local sockets so far: their peers are trusted as libvirtd's unix_sock_auth "none".
  procedure<void, P.RemoteAuthListRet>(P.REMOTE_PROC_AUTH_LIST, async () => ({
    types: [P.REMOTE_AUTH_NONE],
  })),
  procedure<P.RemoteConnectSupportsFeatureArgs, P.RemoteConnectSupportsFeatureRet>(
    P.REMOTE_PROC_CONNECT_SUPPORTS_FEATURE,
    async (session, args) => {
      // As libvirtd, a client asking about keepalive is one the server may PING.
      if (args.feature === FEATURE_PROGRAM_KEEPALIVE) session.startKeepalive();
      return { supported: DAEMON_FEATURES.get(args.feature) ? 1 : 0 };
    },
  ),
  // Close callbacks fire when the daemon drops the driver; it never does while a client is open.
  procedure<void, void>(P.REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK, async (session) => {
    session.connection.assertOpen('virConnectRegisterCloseCallback');
  }),
  procedure<void, void>(P.REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK, async (session) => {
    session.connection.assertOpen('virConnectUnregisterCloseCallback');
  }),
  procedure<void, P.RemoteConnectGetUriRet>(P.REMOTE_PROC_CONNECT_GET_URI, async (session) => ({
    uri: session.connection.getUri(),
  })),
  procedure<void, P.RemoteConnectGetTypeRet>(P.REMOTE_PROC_CONNECT_GET_TYPE, async (session) => ({
    type: await session.connection.getType(),
  })),
  procedure<void, P.RemoteConnectGetVersionRet>(P.REMOTE_PROC_CONNECT_GET_VERSION, async (session) => ({
    hv_ver: BigInt(await session.connection.getVersion()),
  })),
  procedure<void, P.RemoteConnectGetLibVersionRet>(
    P.REMOTE_PROC_CONNECT_GET_LIB_VERSION,
    async (session) => ({
      lib_ver: BigInt(await session.connection.getLibVersion()),
    }),
  ),
  procedure<void, P.RemoteConnectGetHostnameRet>(P.REMOTE_PROC_CONNECT_GET_HOSTNAME, async (session) => ({
    hostname: await session.connection.getHostname(),
  })),
  procedure<void, P.RemoteConnectGetCapabilitiesRet>(
    P.REMOTE_PROC_CONNECT_GET_CAPABILITIES,
    async (session) => ({
      capabilities: await session.connection.getCapabilities(),
    }),
  ),
  procedure<P.RemoteConnectGetMaxVcpusArgs, P.RemoteConnectGetMaxVcpusRet>(
    P.REMOTE_PROC_CONNECT_GET_MAX_VCPUS,
    async (session, args) => ({ max_vcpus: await session.connection.getMaxVcpus(args.type ?? undefined) }),
  ),
  procedure<P.RemoteConnectGetDomainCapabilitiesArgs, P.RemoteConnectGetDomainCapabilitiesRet>(
    P.REMOTE_PROC_CONNECT_GET_DOMAIN_CAPABILITIES,
    async (session, args) => {
      checkFlags(args.flags, 0, 'virConnectGetDomainCapabilities');
      const options = {
        emulatorBin: args.emulatorbin ?? undefined,
        arch: args.arch ?? undefined,
        machine: args.machine ?? undefined,
        virtType: args.virttype ?? undefined,
      };
      return { capabilities: await session.connection.getDomainCapabilities(options) };
    },
  ),
  procedure<P.RemoteConnectDomainXmlToNativeArgs, P.RemoteConnectDomainXmlToNativeRet>(
    P.REMOTE_PROC_CONNECT_DOMAIN_XML_TO_NATIVE,
    async (session, args) => {
      checkFlags(args.flags, 0, 'virConnectDomainXMLToNative');
      return { nativeConfig: await session.connection.domainXmlToNative(args.nativeFormat, args.domainXml) };
    },
  ),
  procedure<P.RemoteConnectDomainXmlFromNativeArgs, P.RemoteConnectDomainXmlFromNativeRet>(
    P.REMOTE_PROC_CONNECT_DOMAIN_XML_FROM_NATIVE,
    async (session, args) => {
      checkFlags(args.flags, 0, 'virConnectDomainXMLFromNative');
      return {
        domainXml: await session.connection.domainXmlFromNative(args.nativeFormat, args.nativeConfig),
      };
    },
  ),
  procedure<void, P.RemoteNodeGetInfoRet>(P.REMOTE_PROC_NODE_GET_INFO, async (session) => {
    const info = await session.connection.getNodeInfo();
    return {
      model: fixedCString(info.model, 32),
      memory: BigInt(info.memoryKiB),
      cpus: info.cpus,
      mhz: info.mhz,
      nodes: info.nodes,
      sockets: info.sockets,
      cores: info.cores,
      threads: info.threads,
    };
  }),
  procedure<void, P.RemoteNodeGetSecurityModelRet>(P.REMOTE_PROC_NODE_GET_SECURITY_MODEL, async (session) => {
    const { model, doi } = await session.connection.getSecurityModel();
    return { model: cString(model), doi: cString(doi) };
  }),
  procedure<P.RemoteConnectListAllDomainsArgs, P.RemoteConnectListAllDomainsRet>(
    P.REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS,
    async (session, args) => {
      const domains = await session.connection.listAllDomains(listFilter(args.flags));
      return {
        domains: args.need_results ? domains.map((domain) => domainToWire(domain.ref)) : [],
        ret: domains.length,
      };
    },
  ),
];
