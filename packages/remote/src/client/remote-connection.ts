import type { Duplex } from 'node:stream';
import {
  type ConsoleOptions,
  type CreateOptions,
  type DefineOptions,
  type DestroyOptions,
  type DomainCapabilitiesOptions,
  type DomainInfo,
  type DomainKey,
  type DomainListing,
  type DomainRef,
  type DriverConnection,
  type EventListener,
  type NodeInfo,
  type SecurityLabel,
  type SecurityModel,
  type ShutdownOptions,
  type StartOptions,
  type StateWithReason,
  type SubscribeFilter,
  stateFromNumbers,
  type UndefineOptions,
  type VcpuCountOptions,
  type XmlDescOptions,
} from '@virtkit/core';
import * as P from '../generated/remote-protocol.js';
import { domainFromWire, domainToWire, uuidToBytes } from '../wire/domain.js';
import {
  CONSOLE_FLAGS,
  CREATE_FLAGS,
  DEFINE_FLAGS,
  DESTROY_FLAGS,
  LIST_FLAGS,
  UNDEFINE_FLAGS,
  VCPU_FLAGS,
  XML_FLAGS,
} from '../wire/flags.js';
import { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION } from '../wire/index.js';
import { encodeXdr } from '../xdr/index.js';
import { shutdownFlags, toFlags } from './option-flags.js';
import type { RemoteCall } from './remote-call.js';
import type { RemoteEvents } from './remote-events.js';
import type { RpcClient } from './rpc-client.js';

/** Every procedure that answers with one domain (lookups, define, create) has this ret. */
type DomainRet = { dom: P.RemoteNonnullDomain };

/**
 * A DriverConnection whose every operation is one procedure call to the server (libvirtd or
 * virtkitd), which checks and answers it: errors are the server's, code and text.
 */
export class RemoteConnection implements DriverConnection {
  readonly #rpc: RpcClient;
  readonly #call: RemoteCall;
  readonly #events: RemoteEvents;
  readonly #uri: string;

  constructor(rpc: RpcClient, call: RemoteCall, events: RemoteEvents, uri: string) {
    this.#rpc = rpc;
    this.#call = call;
    this.#events = events;
    this.#uri = uri;
  }

  async close(): Promise<void> {
    this.#events.dispose();
    try {
      await this.#call(P.REMOTE_PROC_CONNECT_CLOSE);
    } catch (error) {
      // The server hangs up once it has handled CONNECT_CLOSE, and a proxy such as
      // virt-ssh-helper may pass the hang-up on before the reply: closed is what we asked for.
      if (!this.#rpc.closed) throw error;
    } finally {
      this.#rpc.close();
    }
  }

  getUri(): string {
    return this.#uri;
  }

  /**
   * All domains with the attributes core filters on. The server filters by flag, so one
   * listing per attribute, sent together, says which domains have it.
   */
  async listDomains(): Promise<readonly DomainListing[]> {
    const list = (flags: number) =>
      this.#call<P.RemoteConnectListAllDomainsRet>(P.REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, {
        need_results: 1,
        flags,
      });
    const uuidsWith = async (flags: number) =>
      new Set((await list(flags)).domains.map((dom) => domainFromWire(dom).uuid));
    const [all, persistent, autostart, managedSave] = await Promise.all([
      list(0),
      uuidsWith(LIST_FLAGS.persistent.on),
      uuidsWith(LIST_FLAGS.autostart.on),
      uuidsWith(LIST_FLAGS.managedSave.on),
    ]);
    const domains = all.domains.map(domainFromWire);
    const states = await Promise.all(domains.map((domain) => this.getState(domain)));
    return domains.map((domain, index) => ({
      domain,
      state: states[index] as StateWithReason,
      persistent: persistent.has(domain.uuid),
      autostart: autostart.has(domain.uuid),
      managedSave: managedSave.has(domain.uuid),
    }));
  }

  /** The server's NO_DOMAIN error, with its own text, rather than core's. */
  async lookupDomain(key: DomainKey): Promise<DomainRef | undefined> {
    const ret =
      'name' in key
        ? await this.#call<DomainRet>(P.REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, { name: key.name })
        : 'uuid' in key
          ? await this.#call<DomainRet>(P.REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID, { uuid: uuidToBytes(key.uuid) })
          : await this.#call<DomainRet>(P.REMOTE_PROC_DOMAIN_LOOKUP_BY_ID, { id: key.id });
    return domainFromWire(ret.dom);
  }

  async defineXml(xml: string, options: DefineOptions): Promise<DomainRef> {
    const flags = toFlags(DEFINE_FLAGS, options);
    const ret = await this.#call<DomainRet>(P.REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS, { xml, flags });
    return domainFromWire(ret.dom);
  }

  undefine(domain: DomainRef, options: UndefineOptions): Promise<void> {
    const flags = toFlags(UNDEFINE_FLAGS, options);
    return this.#domainCall(P.REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS, domain, { flags });
  }

  async createXml(xml: string, options: CreateOptions): Promise<DomainRef> {
    const flags = toFlags(CREATE_FLAGS, options);
    const ret = await this.#call<DomainRet>(P.REMOTE_PROC_DOMAIN_CREATE_XML, { xml_desc: xml, flags });
    return domainFromWire(ret.dom);
  }

  async start(domain: DomainRef, options: StartOptions): Promise<DomainRef> {
    const flags = toFlags(CREATE_FLAGS, options);
    const ret = await this.#call<DomainRet>(P.REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS, {
      dom: domainToWire(domain),
      flags,
    });
    return domainFromWire(ret.dom);
  }

  shutdown(domain: DomainRef, options: ShutdownOptions): Promise<void> {
    return this.#domainCall(P.REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS, domain, {
      flags: shutdownFlags(options.modes),
    });
  }

  reboot(domain: DomainRef, options: ShutdownOptions): Promise<void> {
    return this.#domainCall(P.REMOTE_PROC_DOMAIN_REBOOT, domain, { flags: shutdownFlags(options.modes) });
  }

  reset(domain: DomainRef): Promise<void> {
    return this.#domainCall(P.REMOTE_PROC_DOMAIN_RESET, domain, { flags: 0 });
  }

  destroy(domain: DomainRef, options: DestroyOptions): Promise<void> {
    const flags = toFlags(DESTROY_FLAGS, options);
    return this.#domainCall(P.REMOTE_PROC_DOMAIN_DESTROY_FLAGS, domain, { flags });
  }

  suspend(domain: DomainRef): Promise<void> {
    return this.#domainCall(P.REMOTE_PROC_DOMAIN_SUSPEND, domain);
  }

  resume(domain: DomainRef): Promise<void> {
    return this.#domainCall(P.REMOTE_PROC_DOMAIN_RESUME, domain);
  }

  async getState(domain: DomainRef): Promise<StateWithReason> {
    const ret = await this.#domainCall<P.RemoteDomainGetStateRet>(P.REMOTE_PROC_DOMAIN_GET_STATE, domain, {
      flags: 0,
    });
    return stateFromNumbers(ret.state, ret.reason);
  }

  async getInfo(domain: DomainRef): Promise<DomainInfo> {
    const ret = await this.#domainCall<P.RemoteDomainGetInfoRet>(P.REMOTE_PROC_DOMAIN_GET_INFO, domain);
    return {
      state: stateFromNumbers(ret.state, 0).state,
      maxMemKiB: Number(ret.maxMem),
      memoryKiB: Number(ret.memory),
      nrVirtCpu: ret.nrVirtCpu,
      cpuTimeNs: ret.cpuTime,
    };
  }

  async getXmlDesc(domain: DomainRef, options: XmlDescOptions): Promise<string> {
    const flags = toFlags(XML_FLAGS, options);
    return (
      await this.#domainCall<P.RemoteDomainGetXmlDescRet>(P.REMOTE_PROC_DOMAIN_GET_XML_DESC, domain, {
        flags,
      })
    ).xml;
  }

  async getAutostart(domain: DomainRef): Promise<boolean> {
    return (
      (await this.#domainCall<P.RemoteDomainGetAutostartRet>(P.REMOTE_PROC_DOMAIN_GET_AUTOSTART, domain))
        .autostart !== 0
    );
  }

  setAutostart(domain: DomainRef, autostart: boolean): Promise<void> {
    return this.#domainCall(P.REMOTE_PROC_DOMAIN_SET_AUTOSTART, domain, { autostart: autostart ? 1 : 0 });
  }

  async isPersistent(domain: DomainRef): Promise<boolean> {
    return (
      (await this.#domainCall<P.RemoteDomainIsPersistentRet>(P.REMOTE_PROC_DOMAIN_IS_PERSISTENT, domain))
        .persistent !== 0
    );
  }

  async hasManagedSave(domain: DomainRef): Promise<boolean> {
    const ret = await this.#domainCall<P.RemoteDomainHasManagedSaveImageRet>(
      P.REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE,
      domain,
      {
        flags: 0,
      },
    );
    return ret.result !== 0;
  }

  async getDomainHostname(domain: DomainRef): Promise<string> {
    return (
      await this.#domainCall<P.RemoteDomainGetHostnameRet>(P.REMOTE_PROC_DOMAIN_GET_HOSTNAME, domain, {
        flags: 0,
      })
    ).hostname;
  }

  async getOsType(domain: DomainRef): Promise<string> {
    return (await this.#domainCall<P.RemoteDomainGetOsTypeRet>(P.REMOTE_PROC_DOMAIN_GET_OS_TYPE, domain))
      .type;
  }

  async getVcpusFlags(domain: DomainRef, options: VcpuCountOptions): Promise<number> {
    const flags = toFlags(VCPU_FLAGS, options);
    return (
      await this.#domainCall<P.RemoteDomainGetVcpusFlagsRet>(P.REMOTE_PROC_DOMAIN_GET_VCPUS_FLAGS, domain, {
        flags,
      })
    ).num;
  }

  async getSecurityLabel(domain: DomainRef): Promise<SecurityLabel> {
    const ret = await this.#domainCall<P.RemoteDomainGetSecurityLabelRet>(
      P.REMOTE_PROC_DOMAIN_GET_SECURITY_LABEL,
      domain,
    );
    return { label: cString(ret.label), enforcing: ret.enforcing !== 0 };
  }

  /** virDomainOpenConsole: the reply opens a stream on the call's serial, read and written both ways. */
  openConsole(domain: DomainRef, options: ConsoleOptions): Promise<Duplex> {
    const args: P.RemoteDomainOpenConsoleArgs = {
      dom: domainToWire(domain),
      dev_name: options.devName ?? null,
      flags: toFlags<Pick<ConsoleOptions, 'force' | 'safe'>>(CONSOLE_FLAGS, options),
    };
    return this.#rpc.openStream(
      REMOTE_PROGRAM,
      REMOTE_PROTOCOL_VERSION,
      P.REMOTE_PROC_DOMAIN_OPEN_CONSOLE,
      encodeXdr(P.RemoteDomainOpenConsoleArgs, args),
    );
  }

  async getHostname(): Promise<string> {
    return (await this.#call<P.RemoteConnectGetHostnameRet>(P.REMOTE_PROC_CONNECT_GET_HOSTNAME)).hostname;
  }

  async getType(): Promise<string> {
    return (await this.#call<P.RemoteConnectGetTypeRet>(P.REMOTE_PROC_CONNECT_GET_TYPE)).type;
  }

  async getSecurityModel(): Promise<SecurityModel> {
    const ret = await this.#call<P.RemoteNodeGetSecurityModelRet>(P.REMOTE_PROC_NODE_GET_SECURITY_MODEL);
    return { model: cString(ret.model), doi: cString(ret.doi) };
  }

  async getVersion(): Promise<number> {
    return Number((await this.#call<P.RemoteConnectGetVersionRet>(P.REMOTE_PROC_CONNECT_GET_VERSION)).hv_ver);
  }

  async getLibVersion(): Promise<number> {
    return Number(
      (await this.#call<P.RemoteConnectGetLibVersionRet>(P.REMOTE_PROC_CONNECT_GET_LIB_VERSION)).lib_ver,
    );
  }

  async getNodeInfo(): Promise<NodeInfo> {
    const ret = await this.#call<P.RemoteNodeGetInfoRet>(P.REMOTE_PROC_NODE_GET_INFO);
    const { model, memory, ...counts } = ret;
    return { model: cString(model), memoryKiB: Number(memory), ...counts };
  }

  async getCapabilities(): Promise<string> {
    return (await this.#call<P.RemoteConnectGetCapabilitiesRet>(P.REMOTE_PROC_CONNECT_GET_CAPABILITIES))
      .capabilities;
  }

  async getMaxVcpus(type?: string): Promise<number> {
    return (
      await this.#call<P.RemoteConnectGetMaxVcpusRet>(P.REMOTE_PROC_CONNECT_GET_MAX_VCPUS, {
        type: type ?? null,
      })
    ).max_vcpus;
  }

  async getDomainCapabilities(options: DomainCapabilitiesOptions): Promise<string> {
    const ret = await this.#call<P.RemoteConnectGetDomainCapabilitiesRet>(
      P.REMOTE_PROC_CONNECT_GET_DOMAIN_CAPABILITIES,
      {
        emulatorbin: options.emulatorBin ?? null,
        arch: options.arch ?? null,
        machine: options.machine ?? null,
        virttype: options.virtType ?? null,
        flags: 0,
      },
    );
    return ret.capabilities;
  }

  async domainXmlToNative(format: string, xml: string): Promise<string> {
    const ret = await this.#call<P.RemoteConnectDomainXmlToNativeRet>(
      P.REMOTE_PROC_CONNECT_DOMAIN_XML_TO_NATIVE,
      {
        nativeFormat: format,
        domainXml: xml,
        flags: 0,
      },
    );
    return ret.nativeConfig;
  }

  async domainXmlFromNative(format: string, config: string): Promise<string> {
    const ret = await this.#call<P.RemoteConnectDomainXmlFromNativeRet>(
      P.REMOTE_PROC_CONNECT_DOMAIN_XML_FROM_NATIVE,
      { nativeFormat: format, nativeConfig: config, flags: 0 },
    );
    return ret.domainXml;
  }

  async setKeepAlive(intervalSeconds: number, count: number): Promise<void> {
    this.#rpc.startKeepalive({ intervalSeconds, count });
  }

  watchEvents(
    filter: SubscribeFilter,
    listener: EventListener,
  ): { readonly ready: Promise<void>; stop(): void } {
    return this.#events.watch(filter, listener);
  }

  /** A procedure whose args are the domain plus `rest`. */
  #domainCall<R = void>(proc: number, domain: DomainRef, rest: Record<string, unknown> = {}): Promise<R> {
    return this.#call<R>(proc, { dom: domainToWire(domain), ...rest });
  }
}

/** Char arrays (security label, node model) hold C strings, NUL-terminated or NUL-padded. */
function cString(chars: readonly number[]): string {
  // Signed chars: Buffer keeps the low byte of each, which restores UTF-8 bytes above 127.
  const text = Buffer.from(chars).toString('utf8');
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}
