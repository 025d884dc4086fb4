import type { Duplex } from 'node:stream';
import type { DomainEventId, DomainRef, EventBus, EventListener } from '../events/index.js';
import type { StateWithReason } from '../state/index.js';
import type { VirtUri } from '../uri/index.js';

/** What a driver gets when it opens a connection. */
export interface OpenContext {
  /** The caller asked for a read-only connection; core already refuses writes, a driver may refuse more. */
  readonly readonly: boolean;
  /** Where the driver emits every domain event it raises, in order. */
  readonly events: EventBus;
  /** The caller's environment (never `process.env` read behind the caller's back). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * A hypervisor driver: what a driver package exports as `driver`.
 * Stateless apart from what `open()` returns; core holds no global registry of them.
 */
export interface Driver {
  /** Short name, e.g. `qemu`, used in messages. */
  readonly name: string;
  /** URI schemes it serves (`['esx', 'gsx', 'vpx']`); the remote transport serves `remote`. */
  readonly schemes: readonly string[];
  /** Opens a connection for `uri`; fails with a VirtError (NO_CONNECT, AUTH_FAILED, …). */
  open(uri: VirtUri, ctx: OpenContext): Promise<DriverConnection>;
}

/** A domain as a driver lists it: enough for core to apply virConnectListAllDomains' filters. */
export interface DomainListing {
  readonly domain: DomainRef;
  readonly state: StateWithReason;
  readonly persistent: boolean;
  readonly autostart?: boolean;
  readonly managedSave?: boolean;
}

/** How a lookup names its domain; core has already normalised a UUID to lower-case dashed form. */
export type DomainKey = { readonly name: string } | { readonly uuid: string } | { readonly id: number };

export interface DefineOptions {
  /** Validate the XML against libvirt's schema (VIR_DOMAIN_DEFINE_VALIDATE). */
  validate?: boolean;
}

export interface CreateOptions {
  /** Leave the guest paused (reason starting-up … user) instead of running. */
  paused?: boolean;
  /** Destroy the guest when the connection that started it closes. */
  autodestroy?: boolean;
  bypassCache?: boolean;
  /** Boot fresh even if a managed save image exists. */
  forceBoot?: boolean;
  resetNvram?: boolean;
  validate?: boolean;
}

export type StartOptions = Omit<CreateOptions, 'validate'>;

export const SHUTDOWN_MODES = ['acpi', 'agent', 'initctl', 'signal', 'paravirt'] as const;
/** virDomainShutdownFlagValues / virDomainRebootFlagValues by virsh's `--mode` names. */
export type ShutdownMode = (typeof SHUTDOWN_MODES)[number];

export interface ShutdownOptions {
  /** Methods the driver may use, any of which is acceptable; empty means the driver's default. */
  modes?: readonly ShutdownMode[];
}

export interface DestroyOptions {
  /** Only SIGTERM, never SIGKILL (VIR_DOMAIN_DESTROY_GRACEFUL). */
  graceful?: boolean;
}

export interface UndefineOptions {
  managedSave?: boolean;
  snapshotsMetadata?: boolean;
  checkpointsMetadata?: boolean;
  nvram?: boolean;
  keepNvram?: boolean;
  tpm?: boolean;
  keepTpm?: boolean;
}

export interface XmlDescOptions {
  inactive?: boolean;
  /** Include passwords; refused on read-only connections. */
  secure?: boolean;
  updateCpu?: boolean;
  migratable?: boolean;
}

/** virDomainInfo. Memory in KiB, CPU time in nanoseconds. */
export interface DomainInfo {
  readonly state: StateWithReason['state'];
  readonly maxMemKiB: number;
  readonly memoryKiB: number;
  readonly nrVirtCpu: number;
  readonly cpuTimeNs: bigint;
}

/** virDomainGetVcpusFlags' flags: the maximum or current count, of the config or the live domain. */
export interface VcpuCountOptions {
  maximum?: boolean;
  /** VIR_DOMAIN_AFFECT_CONFIG; neither config nor live means the current state of the domain. */
  config?: boolean;
  live?: boolean;
  /** VIR_DOMAIN_VCPU_GUEST: ask the guest agent. */
  guest?: boolean;
}

/** virSecurityLabel. */
export interface SecurityLabel {
  readonly label: string;
  readonly enforcing: boolean;
}

/** virSecurityModel. */
export interface SecurityModel {
  readonly model: string;
  readonly doi: string;
}

/** virDomainOpenConsole's device and flags. */
export interface ConsoleOptions {
  /** The console or serial device's alias; the first console when absent. */
  devName?: string;
  /** Take the console over from a session that holds it (VIR_DOMAIN_CONSOLE_FORCE). */
  force?: boolean;
  /** Refuse unless the driver can tell sessions apart (VIR_DOMAIN_CONSOLE_SAFE). */
  safe?: boolean;
}

/** virConnectGetDomainCapabilities' selectors. */
export interface DomainCapabilitiesOptions {
  emulatorBin?: string;
  arch?: string;
  machine?: string;
  /** `qemu`, `kvm`, …: the domain type. */
  virtType?: string;
}

/** virNodeInfo. */
export interface NodeInfo {
  readonly model: string;
  readonly memoryKiB: number;
  readonly cpus: number;
  readonly mhz: number;
  readonly nodes: number;
  readonly sockets: number;
  readonly cores: number;
  readonly threads: number;
}

/**
 * One open connection of a driver. The required members are what every driver can do;
 * every optional method is a capability: leave it out and core answers NO_SUPPORT
 * (naming the libvirt API) for it. Core checks read-only access and arguments before
 * calling; the driver checks state (OPERATION_INVALID …) and raises events on the
 * EventBus from `open()` after each transition.
 */
export interface DriverConnection {
  close(): Promise<void>;
  /** The canonical URI of this connection (virConnectGetURI). */
  getUri(): string;
  /** Every domain, active or not; core filters. */
  listDomains(): Promise<readonly DomainListing[]>;
  /** The domain named by `key`, or undefined: core raises NO_DOMAIN with libvirt's text. */
  lookupDomain(key: DomainKey): Promise<DomainRef | undefined>;

  defineXml?(xml: string, options: DefineOptions): Promise<DomainRef>;
  undefine?(domain: DomainRef, options: UndefineOptions): Promise<void>;
  /** Starts a transient domain. Resolves to its ref with the new id. */
  createXml?(xml: string, options: CreateOptions): Promise<DomainRef>;
  /** Starts a defined domain. Resolves to its ref with the new id. */
  start?(domain: DomainRef, options: StartOptions): Promise<DomainRef>;
  /** Asks the guest to shut down; resolves once asked, the state follows by events. */
  shutdown?(domain: DomainRef, options: ShutdownOptions): Promise<void>;
  reboot?(domain: DomainRef, options: ShutdownOptions): Promise<void>;
  reset?(domain: DomainRef): Promise<void>;
  destroy?(domain: DomainRef, options: DestroyOptions): Promise<void>;
  suspend?(domain: DomainRef): Promise<void>;
  resume?(domain: DomainRef): Promise<void>;
  getState?(domain: DomainRef): Promise<StateWithReason>;
  getInfo?(domain: DomainRef): Promise<DomainInfo>;
  getXmlDesc?(domain: DomainRef, options: XmlDescOptions): Promise<string>;
  getAutostart?(domain: DomainRef): Promise<boolean>;
  setAutostart?(domain: DomainRef, autostart: boolean): Promise<void>;
  isPersistent?(domain: DomainRef): Promise<boolean>;
  hasManagedSave?(domain: DomainRef): Promise<boolean>;
  /** The guest's own hostname (virDomainGetHostname). */
  getDomainHostname?(domain: DomainRef): Promise<string>;
  /** The guest OS type: `hvm`, `linux`, `exe`, … (virDomainGetOSType). */
  getOsType?(domain: DomainRef): Promise<string>;
  /** vCPU counts (virDomainGetVcpusFlags); refused for `live` on an inactive domain. */
  getVcpusFlags?(domain: DomainRef, options: VcpuCountOptions): Promise<number>;
  /** The domain's security label (virDomainGetSecurityLabel); an unlabelled domain has label ''. */
  getSecurityLabel?(domain: DomainRef): Promise<SecurityLabel>;
  /**
   * The guest's console as a byte stream both ways (virDomainOpenConsole): what the guest writes
   * arrives as data, what is written reaches its input; ending it lets the console go.
   */
  openConsole?(domain: DomainRef, options: ConsoleOptions): Promise<Duplex>;

  /** The host's name (virConnectGetHostname). */
  getHostname?(): Promise<string>;
  /** The hypervisor's name as libvirt reports it: `QEMU`, `TEST`, `LXC`, … (virConnectGetType). */
  getType?(): Promise<string>;
  /** The host's security model (virNodeGetSecurityModel); `model` is '' when there is none. */
  getSecurityModel?(): Promise<SecurityModel>;
  /** Hypervisor version, major * 1,000,000 + minor * 1,000 + release. */
  getVersion?(): Promise<number>;
  /** Version of the library/daemon serving the connection, same encoding. */
  getLibVersion?(): Promise<number>;
  getNodeInfo?(): Promise<NodeInfo>;
  /** The capabilities XML document. */
  getCapabilities?(): Promise<string>;
  getMaxVcpus?(type?: string): Promise<number>;
  /** The domain capabilities XML for one emulator/arch/machine/virt type; unset ones are defaulted. */
  getDomainCapabilities?(options: DomainCapabilitiesOptions): Promise<string>;
  /** A domain XML in a hypervisor's native form, e.g. `qemu-argv` (virConnectDomainXMLToNative). */
  domainXmlToNative?(format: string, xml: string): Promise<string>;
  /** A hypervisor's native configuration, e.g. `lxc-tools`, as domain XML (virConnectDomainXMLFromNative). */
  domainXmlFromNative?(format: string, config: string): Promise<string>;
  /** Pings a quiet server every `intervalSeconds`, closing after `count` unanswered (virConnectSetKeepAlive). */
  setKeepAlive?(intervalSeconds: number, count: number): Promise<void>;
  /**
   * Called for each subscription made through the connection, for a driver whose events come
   * from elsewhere (the remote driver registers them with its server). The driver delivers the
   * events the filter asks for to `listener` itself, each once: core's bus is not involved, as
   * only the driver knows which of its server's registrations an event answers. `ready`
   * resolves once they flow; `stop()` is called when the subscription ends.
   */
  watchEvents?(
    filter: SubscribeFilter,
    listener: EventListener,
  ): { readonly ready: Promise<void>; stop(): void };
}

/** Which events a connection subscriber wants; an absent field matches all. */
export interface SubscribeFilter {
  /**
   * Matched by UUID alone, as libvirt does; name and id are carried when the subscriber has them
   * because libvirt's wire names a domain by all three.
   */
  domain?: Pick<DomainRef, 'uuid'> & Partial<Pick<DomainRef, 'name' | 'id'>>;
  id?: DomainEventId;
}
