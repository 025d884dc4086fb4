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
import { domainToWire } from '../../wire/domain.js';
import {
  CREATE_FLAGS,
  DEFINE_FLAGS,
  DESTROY_FLAGS,
  SHUTDOWN_MODE_FLAGS,
  START_FLAGS,
  UNDEFINE_FLAGS,
} from '../../wire/flags.js';
import { checkFlags, optionsFromFlags } from '../flag-options.js';
import { procedure } from '../procedure-table.js';
import { onDomain } from './on-domain.js';

function modeOptions(flags: number, api: string): ShutdownOptions {
  const chosen = optionsFromFlags<Record<ShutdownMode, boolean>>(flags, SHUTDOWN_MODE_FLAGS, api);
  const modes = Object.keys(chosen) as ShutdownMode[];
  return modes.length > 0 ? { modes } : {};
}

/** Define, start, stop and undefine: what changes a domain. */
export const DOMAIN_LIFECYCLE_PROCEDURES = [
  procedure<P.RemoteDomainDefineXmlArgs, P.RemoteDomainDefineXmlRet>(
    P.REMOTE_PROC_DOMAIN_DEFINE_XML,
    async (session, args) => ({ dom: domainToWire((await session.connection.defineXml(args.xml)).ref) }),
  ),
  procedure<P.RemoteDomainDefineXmlFlagsArgs, P.RemoteDomainDefineXmlFlagsRet>(
    P.REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS,
    async (session, args) => {
      const options = optionsFromFlags<DefineOptions>(args.flags, DEFINE_FLAGS, 'virDomainDefineXMLFlags');
      return { dom: domainToWire((await session.connection.defineXml(args.xml, options)).ref) };
    },
  ),
  procedure<P.RemoteDomainCreateXmlArgs, P.RemoteDomainCreateXmlRet>(
    P.REMOTE_PROC_DOMAIN_CREATE_XML,
    async (session, args) => {
      const options = optionsFromFlags<CreateOptions>(args.flags, CREATE_FLAGS, 'virDomainCreateXML');
      return { dom: domainToWire((await session.connection.createXml(args.xml_desc, options)).ref) };
    },
  ),
  onDomain<P.RemoteDomainUndefineArgs, void>(P.REMOTE_PROC_DOMAIN_UNDEFINE, (domain) => domain.undefine()),
  onDomain<P.RemoteDomainUndefineFlagsArgs, void>(P.REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS, (domain, args) =>
    domain.undefine(optionsFromFlags<UndefineOptions>(args.flags, UNDEFINE_FLAGS, 'virDomainUndefineFlags')),
  ),
  onDomain<P.RemoteDomainCreateArgs, void>(P.REMOTE_PROC_DOMAIN_CREATE, (domain) => domain.create()),
  onDomain<P.RemoteDomainCreateWithFlagsArgs, P.RemoteDomainCreateWithFlagsRet>(
    P.REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS,
    async (domain, args) => {
      await domain.create(
        optionsFromFlags<StartOptions>(args.flags, START_FLAGS, 'virDomainCreateWithFlags'),
      );
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
    domain.destroy(optionsFromFlags<DestroyOptions>(args.flags, DESTROY_FLAGS, 'virDomainDestroyFlags')),
  ),
  onDomain<P.RemoteDomainSuspendArgs, void>(P.REMOTE_PROC_DOMAIN_SUSPEND, (domain) => domain.suspend()),
  onDomain<P.RemoteDomainResumeArgs, void>(P.REMOTE_PROC_DOMAIN_RESUME, (domain) => domain.resume()),
  onDomain<P.RemoteDomainSetAutostartArgs, void>(P.REMOTE_PROC_DOMAIN_SET_AUTOSTART, (domain, args) =>
    domain.setAutostart(args.autostart !== 0),
  ),
];
