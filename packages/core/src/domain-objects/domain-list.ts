import { domainGoneError } from '../driver/domain-errors.js';
import type { DomainKey, DomainListing, XmlDescOptions } from '../driver/driver.js';
import { type ErrorDomain, VirtError } from '../errors/index.js';
import type { DomainRef, EventBus } from '../events/index.js';
import type { StateWithReason } from '../state/index.js';
import type { DomainStatus, DomainStore } from '../store/index.js';
import { type DomainDef, formatDomainXml } from '../xml/index.js';
import { claimAutostart } from './autostart-marker.js';

/** What the list needs of a driver's domain object. */
export interface ListedDomain {
  /** The definition a next start uses. */
  config: DomainDef;
  persistent: boolean;
  readonly ref: DomainRef;
  /** The hypervisor id while active, else -1. */
  readonly id: number;
  readonly active: boolean;
  readonly state: StateWithReason;
  /** The running definition while active, else the persistent one. */
  readonly def: DomainDef;
}

export interface DomainListOptions<D extends ListedDomain> {
  /** The driver's error domain: refusals and warnings (VIRTKIT_<domain>_…) name it. */
  errorDomain: ErrorDomain;
  /** Persistent definitions and autostart links. */
  configStore: DomainStore;
  events: EventBus;
  /** A new domain object of the driver. */
  create(config: DomainDef, persistent: boolean): D;
}

/** A status file a previous manager left, with the domain it belongs to (now in the list). */
export interface ReclaimedRun<D, L extends DomainDef = DomainDef> {
  domain: D;
  live: L;
  status: DomainStatus;
}

/**
 * The domains of one stateful driver connection (libvirt's virDomainObjList): the map by uuid,
 * lookups, the define/undefine bookkeeping with its events, and the rules every driver shares
 * about persistent and transient domains. Drivers carry out the lifecycle; this keeps the list.
 */
export class DomainList<D extends ListedDomain> {
  readonly #options: DomainListOptions<D>;
  readonly #domains = new Map<string, D>();
  /** Domains whose status file could not be read: their guest may still run, unwatched. */
  readonly #unmanaged = new Set<string>();

  constructor(options: DomainListOptions<D>) {
    this.#options = options;
  }

  values(): IterableIterator<D> {
    return this.#domains.values();
  }

  /** Loads the persistent definitions; one that no longer parses is skipped, as libvirt skips it. */
  async load(parse: (xml: string) => DomainDef): Promise<void> {
    const { entries } = await this.#options.configStore.listConfigs(parse);
    for (const { value } of entries) this.#domains.set(value.uuid, this.#options.create(value, true));
  }

  /**
   * Every status file a previous manager left, in turn, to `reattach`: its domain is the defined
   * one or a transient one added now. A status file that cannot be read or parsed, or whose live
   * XML names another domain, is reported and left alone, and its domain is not started again.
   */
  async reclaimRuns<L extends DomainDef>(
    statusStore: DomainStore,
    parse: (xml: string) => L,
    reattach: (run: ReclaimedRun<D, L>) => Promise<void>,
  ): Promise<void> {
    const { entries, errors } = await statusStore.listStatus();
    for (const { name, error } of errors) this.#leaveUnmanaged(name, error);
    for (const { name, value: status } of entries) {
      let live: L;
      try {
        live = parse(status.liveXml);
      } catch (error) {
        this.#leaveUnmanaged(name, error);
        continue;
      }
      const existing = this.find({ name });
      if (live.name !== name || (existing && existing.config.uuid !== live.uuid)) {
        this.#leaveUnmanaged(name, new Error('its live XML does not belong to this domain run'));
        continue;
      }
      const domain = existing ?? this.#options.create({ ...live, id: undefined }, false);
      this.#domains.set(live.uuid, domain);
      await reattach({ domain, live, status });
    }
  }

  #leaveUnmanaged(name: string, error: unknown): void {
    this.#unmanaged.add(name);
    const detail = error instanceof Error ? error.message : String(error);
    process.emitWarning(`status of domain '${name}' left alone: ${detail}`, {
      code: this.#warningCode('STATUS'),
    });
  }

  /** Refuses to start a domain whose unread status file may stand for a guest still running. */
  assertManaged(domain: D, guest: string): void {
    if (this.#unmanaged.has(domain.config.name)) {
      throw this.#error(
        'OPERATION_FAILED',
        `domain '${domain.config.name}' has a status file this manager could not read; its ${guest} may still run`,
      );
    }
  }

  /**
   * Autostart (virDriverShouldAutostart), once per host boot: every inactive domain marked for it
   * is started in turn; a failure is a warning, as libvirt logs it, and the rest go on.
   */
  async autostart(stateDir: string, start: (domain: D) => Promise<void>): Promise<void> {
    if (!(await claimAutostart(stateDir))) return;
    for (const name of await this.#options.configStore.listAutostart()) {
      const domain = this.find({ name });
      if (!domain || domain.active) continue;
      await start(domain).catch((error: unknown) => {
        const detail = error instanceof Error ? error.message : String(error);
        process.emitWarning(`Failed to autostart VM '${name}': ${detail}`, {
          code: this.#warningCode('AUTOSTART'),
        });
      });
    }
  }

  async listings(): Promise<DomainListing[]> {
    const autostart = new Set(await this.#options.configStore.listAutostart());
    return [...this.#domains.values()].map((domain) => ({
      domain: domain.ref,
      state: domain.state,
      persistent: domain.persistent,
      autostart: domain.persistent && autostart.has(domain.config.name),
    }));
  }

  find(key: DomainKey): D | undefined {
    if ('uuid' in key) return this.#domains.get(key.uuid);
    for (const domain of this.#domains.values()) {
      if ('name' in key ? domain.config.name === key.name : domain.active && domain.id === key.id)
        return domain;
    }
    return undefined;
  }

  /** The domain `ref` names; NO_DOMAIN when it has gone. */
  get(ref: DomainRef): D {
    const domain = this.#domains.get(ref.uuid);
    if (!domain) throw domainGoneError(ref);
    return domain;
  }

  /**
   * The domain `def` replaces, if any; refuses a name or uuid that another domain has
   * (virDomainObjListAddLocked).
   */
  #claim(def: DomainDef): D | undefined {
    const byUuid = this.#domains.get(def.uuid);
    if (byUuid && byUuid.config.name !== def.name) {
      throw this.#error(
        'OPERATION_FAILED',
        `domain '${byUuid.config.name}' is already defined with uuid ${byUuid.config.uuid}`,
      );
    }
    const byName = this.find({ name: def.name });
    if (byName && byName.config.uuid !== def.uuid) {
      throw this.#error(
        'OPERATION_FAILED',
        `domain '${def.name}' already exists with uuid ${byName.config.uuid}`,
      );
    }
    return byUuid;
  }

  /** Defines `def` (saved before the list changes): a new persistent domain, or the next config of its own. */
  async define(def: DomainDef): Promise<D> {
    const existing = this.#claim(def);
    await this.#options.configStore.saveConfig(def.name, formatDomainXml(def, { inactive: true }));
    const domain = existing ?? this.#options.create(def, true);
    domain.config = def;
    domain.persistent = true;
    this.#domains.set(def.uuid, domain);
    this.#emit(domain, { type: 'defined', detail: existing ? 'updated' : 'added' });
    return domain;
  }

  async undefine(ref: DomainRef): Promise<void> {
    const domain = this.get(ref);
    if (!domain.persistent) throw this.#error('OPERATION_INVALID', 'cannot undefine transient domain');
    await this.#options.configStore.deleteConfig(domain.config.name);
    // A running domain stays, transient, until it stops.
    domain.persistent = false;
    if (!domain.active) this.#domains.delete(domain.config.uuid);
    this.#emit(domain, { type: 'undefined', detail: 'removed' });
  }

  /** A new transient domain for `def`, started by `start`; a failed start leaves no trace in the list. */
  async createTransient(def: DomainDef, start: (domain: D) => Promise<void>): Promise<D> {
    const existing = this.#claim(def);
    if (existing?.active) throw this.#error('OPERATION_INVALID', `domain '${def.name}' is already active`);
    if (existing) {
      // libvirt runs the new XML as the live definition of the defined domain: not yet here.
      throw this.#error(
        'OPERATION_UNSUPPORTED',
        'creating a defined domain from new XML is not supported yet',
      );
    }
    const domain = this.#options.create(def, false);
    this.#domains.set(def.uuid, domain);
    try {
      await start(domain);
    } catch (error) {
      this.#domains.delete(def.uuid);
      throw error;
    }
    return domain;
  }

  /** The run of `domain` ended: a transient domain is forgotten now. */
  stopped(domain: D): void {
    if (!domain.persistent) this.#domains.delete(domain.config.uuid);
  }

  /** The live definition (with its id) while active, unless the inactive one is asked for. */
  xmlDesc(ref: DomainRef, options: XmlDescOptions): string {
    const domain = this.get(ref);
    const live = domain.active && !options.inactive;
    const def = live ? domain.def : domain.config;
    return formatDomainXml({ ...def, id: live ? domain.id : undefined }, options);
  }

  async getAutostart(ref: DomainRef): Promise<boolean> {
    const domain = this.get(ref);
    return domain.persistent && this.#options.configStore.getAutostart(domain.config.name);
  }

  async setAutostart(ref: DomainRef, autostart: boolean): Promise<void> {
    const domain = this.get(ref);
    if (!domain.persistent)
      throw this.#error('OPERATION_INVALID', 'cannot set autostart for transient domain');
    await this.#options.configStore.setAutostart(domain.config.name, autostart);
  }

  #emit(
    domain: D,
    change: { type: 'defined'; detail: 'added' | 'updated' } | { type: 'undefined'; detail: 'removed' },
  ): void {
    this.#options.events.emit({ id: 'lifecycle', ...change, domain: domain.ref });
  }

  #error(
    code: 'OPERATION_INVALID' | 'OPERATION_FAILED' | 'OPERATION_UNSUPPORTED',
    detail: string,
  ): VirtError {
    return new VirtError(code, detail, { domain: this.#options.errorDomain });
  }

  #warningCode(what: 'STATUS' | 'AUTOSTART'): string {
    return `VIRTKIT_${this.#options.errorDomain}_${what}`;
  }
}
