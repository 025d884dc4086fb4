import { reasonNumber, stateNumber, type VcpuCountOptions, type XmlDescOptions } from '@virtkit/core';
import * as P from '../../generated/remote-protocol.js';
import { VCPU_FLAGS, XML_FLAGS } from '../../wire/flags.js';
import { checkFlags, optionsFromFlags } from '../flag-options.js';
import { cString, flag } from '../wire-values.js';
import { onDomain } from './on-domain.js';

/** What virsh reads about one domain (dominfo, domstate, dumpxml, …). */
export const DOMAIN_QUERY_PROCEDURES = [
  onDomain<P.RemoteDomainGetInfoArgs, P.RemoteDomainGetInfoRet>(
    P.REMOTE_PROC_DOMAIN_GET_INFO,
    async (domain) => {
      const info = await domain.getInfo();
      return {
        state: stateNumber(info.state),
        maxMem: BigInt(info.maxMemKiB),
        memory: BigInt(info.memoryKiB),
        nrVirtCpu: info.nrVirtCpu,
        cpuTime: info.cpuTimeNs,
      };
    },
  ),
  onDomain<P.RemoteDomainGetStateArgs, P.RemoteDomainGetStateRet>(
    P.REMOTE_PROC_DOMAIN_GET_STATE,
    async (domain, args) => {
      checkFlags(args.flags, 0, 'virDomainGetState');
      const state = await domain.getState();
      return { state: stateNumber(state.state), reason: reasonNumber(state) };
    },
  ),
  onDomain<P.RemoteDomainGetXmlDescArgs, P.RemoteDomainGetXmlDescRet>(
    P.REMOTE_PROC_DOMAIN_GET_XML_DESC,
    async (domain, args) => ({
      xml: await domain.getXmlDesc(
        optionsFromFlags<XmlDescOptions>(args.flags, XML_FLAGS, 'virDomainGetXMLDesc'),
      ),
    }),
  ),
  onDomain<P.RemoteDomainGetAutostartArgs, P.RemoteDomainGetAutostartRet>(
    P.REMOTE_PROC_DOMAIN_GET_AUTOSTART,
    async (domain) => ({ autostart: flag(await domain.getAutostart()) }),
  ),
  onDomain<P.RemoteDomainIsActiveArgs, P.RemoteDomainIsActiveRet>(
    P.REMOTE_PROC_DOMAIN_IS_ACTIVE,
    async (domain) => ({
      active: flag(await domain.isActive()),
    }),
  ),
  onDomain<P.RemoteDomainIsPersistentArgs, P.RemoteDomainIsPersistentRet>(
    P.REMOTE_PROC_DOMAIN_IS_PERSISTENT,
    async (domain) => ({ persistent: flag(await domain.isPersistent()) }),
  ),
  onDomain<P.RemoteDomainHasManagedSaveImageArgs, P.RemoteDomainHasManagedSaveImageRet>(
    P.REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE,
    async (domain) => ({ result: flag(await domain.hasManagedSaveImage()) }),
  ),
  onDomain<P.RemoteDomainGetOsTypeArgs, P.RemoteDomainGetOsTypeRet>(
    P.REMOTE_PROC_DOMAIN_GET_OS_TYPE,
    async (domain) => ({
      type: await domain.getOsType(),
    }),
  ),
  onDomain<P.RemoteDomainGetHostnameArgs, P.RemoteDomainGetHostnameRet>(
    P.REMOTE_PROC_DOMAIN_GET_HOSTNAME,
    async (domain, args) => {
      // Which source to ask (lease, agent) is the driver's choice for now.
      checkFlags(args.flags, 3, 'virDomainGetHostname');
      return { hostname: await domain.getHostname() };
    },
  ),
  onDomain<P.RemoteDomainGetVcpusFlagsArgs, P.RemoteDomainGetVcpusFlagsRet>(
    P.REMOTE_PROC_DOMAIN_GET_VCPUS_FLAGS,
    async (domain, args) => ({
      num: await domain.getVcpusFlags(
        optionsFromFlags<VcpuCountOptions>(args.flags, VCPU_FLAGS, 'virDomainGetVcpusFlags'),
      ),
    }),
  ),
  onDomain<P.RemoteDomainGetSecurityLabelArgs, P.RemoteDomainGetSecurityLabelRet>(
    P.REMOTE_PROC_DOMAIN_GET_SECURITY_LABEL,
    async (domain) => {
      const { label, enforcing } = await domain.getSecurityLabel();
      return { label: cString(label), enforcing: flag(enforcing) };
    },
  ),
  // virtkit keeps no snapshots and no tainted-domain messages yet: virsh asks for both.
  onDomain<P.RemoteDomainSnapshotNumArgs, P.RemoteDomainSnapshotNumRet>(
    P.REMOTE_PROC_DOMAIN_SNAPSHOT_NUM,
    async (domain) => {
      await domain.getState();
      return { num: 0 };
    },
  ),
  onDomain<P.RemoteDomainGetMessagesArgs, P.RemoteDomainGetMessagesRet>(
    P.REMOTE_PROC_DOMAIN_GET_MESSAGES,
    async (domain) => {
      await domain.getState();
      return { msgs: [] };
    },
  ),
];
