import type {
  CreateOptions,
  DefineOptions,
  DestroyOptions,
  ShutdownMode,
  ShutdownOptions,
  StartOptions,
  UndefineOptions,
} from '@virtkit/core';
import * as P from '../../generated/remote-protocol.js';
import { checkFlags, type FlagTable, optionsFromFlags } from '../flag-options.js';
import { procedure } from '../procedure-table.js';
import { domainToWire } from '../wire-domain.js';
import { onDomain } from './on-domain.js';

/** virDomainCreateFlags; VALIDATE only means something to createXML. */
const START_FLAGS: FlagTable<StartOptions> = [
  [1, 'paused'],
  [2, 'autodestroy'],
  [4, 'bypassCache'],
  [8, 'forceBoot'],
  [32, 'resetNvram'],
];
const CREATE_XML_FLAGS: FlagTable<CreateOptions> = [...START_FLAGS, [16, 'validate']];

const DEFINE_FLAGS: FlagTable<DefineOptions> = [[1, 'validate']];

/** virDomainUndefineFlagsValues. */
const UNDEFINE_FLAGS: FlagTable<UndefineOptions> = [
  [1, 'managedSave'],
  [2, 'snapshotsMetadata'],
  [4, 'nvram'],
  [8, 'keepNvram'],
  [16, 'checkpointsMetadata'],
  [32, 'tpm'],
  [64, 'keepTpm'],
];

/** virDomainShutdownFlagValues and virDomainRebootFlagValues share their bits. */
const MODE_BITS: readonly (readonly [number, ShutdownMode])[] = [
  [1, 'acpi'],
  [2, 'agent'],
  [4, 'initctl'],
  [8, 'signal'],
  [16, 'paravirt'],
];

function modeOptions(flags: number, api: string): ShutdownOptions {
  checkFlags(flags, 31, api);
  const modes = MODE_BITS.filter(([bit]) => flags & bit).map(([, mode]) => mode);
  return modes.length > 0 ? { modes } : {};
}

const DESTROY_FLAGS: FlagTable<DestroyOptions> = [[1, 'graceful']];

/** Define, start, stop and undefine: what changes a domain. */
export const DOMAIN_LIFECYCLE_PROCEDURES = [
  procedure<P.RemoteDomainDefineXmlArgs, P.RemoteDomainDefineXmlRet>(
    P.REMOTE_PROC_DOMAIN_DEFINE_XML,
    async (session, args) => ({ dom: domainToWire((await session.connection.defineXml(args.xml)).ref) }),
  ),
  procedure<P.RemoteDomainDefineXmlFlagsArgs, P.RemoteDomainDefineXmlFlagsRet>(
    P.REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS,
    async (session, args) => {
      const options = optionsFromFlags(args.flags, DEFINE_FLAGS, 'virDomainDefineXMLFlags');
      return { dom: domainToWire((await session.connection.defineXml(args.xml, options)).ref) };
    },
  ),
  procedure<P.RemoteDomainCreateXmlArgs, P.RemoteDomainCreateXmlRet>(
    P.REMOTE_PROC_DOMAIN_CREATE_XML,
    async (session, args) => {
      const options = optionsFromFlags(args.flags, CREATE_XML_FLAGS, 'virDomainCreateXML');
      return { dom: domainToWire((await session.connection.createXml(args.xml_desc, options)).ref) };
    },
  ),
  onDomain<P.RemoteDomainUndefineArgs, void>(P.REMOTE_PROC_DOMAIN_UNDEFINE, (domain) => domain.undefine()),
  onDomain<P.RemoteDomainUndefineFlagsArgs, void>(P.REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS, (domain, args) =>
    domain.undefine(optionsFromFlags(args.flags, UNDEFINE_FLAGS, 'virDomainUndefineFlags')),
  ),
  onDomain<P.RemoteDomainCreateArgs, void>(P.REMOTE_PROC_DOMAIN_CREATE, (domain) => domain.create()),
  onDomain<P.RemoteDomainCreateWithFlagsArgs, P.RemoteDomainCreateWithFlagsRet>(
    P.REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS,
    async (domain, args) => {
      await domain.create(optionsFromFlags(args.flags, START_FLAGS, 'virDomainCreateWithFlags'));
      // The reply carries the new id, as remoteDispatchDomainCreateWithFlags does.
      return { dom: domainToWire(domain.ref) };
    },
  ),
  onDomain<P.RemoteDomainShutdownArgs, void>(P.REMOTE_PROC_DOMAIN_SHUTDOWN, (domain) => domain.shutdown()),
  onDomain<P.RemoteDomainShutdownFlagsArgs, void>(P.REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS, (domain, args) =>
    domain.shutdown(modeOptions(args.flags, 'virDomainShutdownFlags')),
  ),
  onDomain<P.RemoteDomainRebootArgs, void>(P.REMOTE_PROC_DOMAIN_REBOOT, (domain, args) =>
    domain.reboot(modeOptions(args.flags, 'virDomainReboot')),
  ),
  onDomain<P.RemoteDomainResetArgs, void>(P.REMOTE_PROC_DOMAIN_RESET, (domain, args) => {
    checkFlags(args.flags, 0, 'virDomainReset');
    return domain.reset();
  }),
  onDomain<P.RemoteDomainDestroyArgs, void>(P.REMOTE_PROC_DOMAIN_DESTROY, (domain) => domain.destroy()),
  onDomain<P.RemoteDomainDestroyFlagsArgs, void>(P.REMOTE_PROC_DOMAIN_DESTROY_FLAGS, (domain, args) =>
    domain.destroy(optionsFromFlags(args.flags, DESTROY_FLAGS, 'virDomainDestroyFlags')),
  ),
  onDomain<P.RemoteDomainSuspendArgs, void>(P.REMOTE_PROC_DOMAIN_SUSPEND, (domain) => domain.suspend()),
  onDomain<P.RemoteDomainResumeArgs, void>(P.REMOTE_PROC_DOMAIN_RESUME, (domain) => domain.resume()),
  onDomain<P.RemoteDomainSetAutostartArgs, void>(P.REMOTE_PROC_DOMAIN_SET_AUTOSTART, (domain, args) =>
    domain.setAutostart(args.autostart !== 0),
  ),
];
