import type { Duplex } from 'node:stream';
import { VirtError } from '../errors/index.js';
import type { DomainRef } from '../events/index.js';
import { isActiveState, type StateWithReason } from '../state/index.js';
import type { Connection } from './connection.js';
import { domainGoneError } from './domain-errors.js';
import {
  type ConsoleOptions,
  type DestroyOptions,
  type DomainInfo,
  type SecurityLabel,
  SHUTDOWN_MODES,
  type ShutdownOptions,
  type StartOptions,
  type UndefineOptions,
  type VcpuCountOptions,
  type XmlDescOptions,
} from './driver.js';

/**
 * A handle on one domain of a connection (libvirt's virDomainPtr): a name, uuid and
 * the id it had when looked up or last started. Methods forward to the driver
 * through the connection's checks.
 */
export class Domain {
  readonly connection: Connection;
  #ref: DomainRef;

  constructor(connection: Connection, ref: DomainRef) {
    this.connection = connection;
    this.#ref = { ...ref };
  }

  get ref(): DomainRef {
    return { ...this.#ref };
  }

  get name(): string {
    return this.#ref.name;
  }

  get uuid(): string {
    return this.#ref.uuid;
  }

  /** The hypervisor id, -1 when the domain was inactive as last seen. */
  get id(): number {
    return this.#ref.id;
  }

  /** Starts a defined domain (virDomainCreateWithFlags). */
  async create(options: StartOptions = {}): Promise<void> {
    this.#ref = { ...(await this.connection.invoke('start', this.ref, options)) };
  }

  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    checkModes(options);
    return this.connection.invoke('shutdown', this.ref, options);
  }

  async reboot(options: ShutdownOptions = {}): Promise<void> {
    checkModes(options);
    return this.connection.invoke('reboot', this.ref, options);
  }

  reset(): Promise<void> {
    return this.connection.invoke('reset', this.ref);
  }

  async destroy(options: DestroyOptions = {}): Promise<void> {
    await this.connection.invoke('destroy', this.ref, options);
    this.#ref.id = -1;
  }

  suspend(): Promise<void> {
    return this.connection.invoke('suspend', this.ref);
  }

  resume(): Promise<void> {
    return this.connection.invoke('resume', this.ref);
  }

  async undefine(options: UndefineOptions = {}): Promise<void> {
    exclusive(
      options.nvram,
      options.keepNvram,
      'VIR_DOMAIN_UNDEFINE_NVRAM',
      'VIR_DOMAIN_UNDEFINE_KEEP_NVRAM',
    );
    exclusive(options.tpm, options.keepTpm, 'VIR_DOMAIN_UNDEFINE_TPM', 'VIR_DOMAIN_UNDEFINE_KEEP_TPM');
    return this.connection.invoke('undefine', this.ref, options);
  }

  /** State and reason; drivers without getState answer from their listing. */
  async getState(): Promise<StateWithReason> {
    if (this.connection.supports('getState')) return this.connection.invoke('getState', this.ref);
    return (await this.#listing('virDomainGetState')).state;
  }

  async isActive(): Promise<boolean> {
    return isActiveState((await this.getState()).state);
  }

  /** Whether the domain has a persistent config; drivers without isPersistent answer from their listing. */
  async isPersistent(): Promise<boolean> {
    if (this.connection.supports('isPersistent')) return this.connection.invoke('isPersistent', this.ref);
    return (await this.#listing('virDomainIsPersistent')).persistent;
  }

  getInfo(): Promise<DomainInfo> {
    return this.connection.invoke('getInfo', this.ref);
  }

  async getXmlDesc(options: XmlDescOptions = {}): Promise<string> {
    // libvirt refuses secrets to a read-only connection before asking the driver.
    if (options.secure && this.connection.readonly) {
      throw new VirtError('OPERATION_DENIED', 'virDomainGetXMLDesc with secure flag');
    }
    return this.connection.invoke('getXmlDesc', this.ref, options);
  }

  getAutostart(): Promise<boolean> {
    return this.connection.invoke('getAutostart', this.ref);
  }

  setAutostart(autostart: boolean): Promise<void> {
    return this.connection.invoke('setAutostart', this.ref, autostart);
  }

  hasManagedSaveImage(): Promise<boolean> {
    return this.connection.invoke('hasManagedSave', this.ref);
  }

  getHostname(): Promise<string> {
    return this.connection.invoke('getDomainHostname', this.ref);
  }

  getOsType(): Promise<string> {
    return this.connection.invoke('getOsType', this.ref);
  }

  getVcpusFlags(options: VcpuCountOptions = {}): Promise<number> {
    return this.connection.invoke('getVcpusFlags', this.ref, options);
  }

  /** The guest's console, both ways (virDomainOpenConsole). */
  openConsole(options: ConsoleOptions = {}): Promise<Duplex> {
    return this.connection.invoke('openConsole', this.ref, options);
  }

  getSecurityLabel(): Promise<SecurityLabel> {
    return this.connection.invoke('getSecurityLabel', this.ref);
  }

  async #listing(api: string) {
    this.connection.assertOpen(api);
    const listing = await this.connection.listingOf(this.#ref);
    if (!listing) throw domainGoneError(this.#ref);
    return listing;
  }
}

/** Rejects a mode outside libvirt's set, with virsh's wording (the C API cannot express one). */
function checkModes(options: ShutdownOptions): void {
  for (const mode of options.modes ?? []) {
    if (!(SHUTDOWN_MODES as readonly string[]).includes(mode)) {
      throw new VirtError(
        'INVALID_ARG',
        `Unknown mode ${mode} value, expecting 'acpi', 'agent', 'initctl', 'signal' or 'paravirt'`,
      );
    }
  }
}

/** libvirt's VIR_EXCLUSIVE_FLAGS check. */
function exclusive(a: boolean | undefined, b: boolean | undefined, nameA: string, nameB: string): void {
  if (a && b) throw new VirtError('INVALID_ARG', `Flags '${nameA}' and '${nameB}' are mutually exclusive`);
}
