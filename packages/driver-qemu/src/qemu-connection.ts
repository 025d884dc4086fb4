import { hostname } from 'node:os';
import {
  type CreateOptions,
  type DefineOptions,
  type DestroyOptions,
  type DomainDef,
  type DomainInfo,
  type DomainKey,
  type DomainListing,
  type DomainRef,
  type DomainStore,
  type DriverConnection,
  domainGoneError,
  type EventBus,
  formatDomainXml,
  type PowerRequestMode,
  parseDomainXml,
  type ShutdownOptions,
  type StartOptions,
  type StateLock,
  type UndefineOptions,
  VirtError,
  type XmlDescOptions,
} from '@virtkit/core';
import { DEFAULT_EMULATOR, loadQemuCaps, resolveEmulator } from './capabilities-source.js';
import type { QemuCaps } from './caps/index.js';
import type { QemuDriverPaths } from './driver-paths.js';
import { isQemuWithMonitor } from './process/index.js';
import { cpuTimeNs } from './process-cpu-time.js';
import { type DomainHost, QemuDomain } from './qemu-domain.js';
import { launchQemu, reattachQemu, runLayout } from './qemu-launch.js';
import { powerRequestMode } from './shutdown-modes.js';

export interface QemuConnectionOptions {
  uri: string;
  paths: QemuDriverPaths;
  /** Persistent definitions (config/, autostart/) under the config directory. */
  configStore: DomainStore;
  /** Status of running domains (status/) under the state directory. */
  statusStore: DomainStore;
  lock: StateLock;
  events: EventBus;
  env: Readonly<Record<string, string | undefined>>;
}

const qemuError = (code: 'OPERATION_INVALID' | 'OPERATION_FAILED', detail: string) =>
  new VirtError(code, detail, { domain: 'QEMU' });

/**
 * A connection to one QEMU driver instance (its directories, held through the manager lock):
 * the domains, their definitions on disk, and the QEMU processes of the running ones.
 */
export class QemuConnection implements DriverConnection {
  readonly #options: QemuConnectionOptions;
  readonly #domains = new Map<string, QemuDomain>();
  readonly #caps = new Map<string, Promise<QemuCaps>>();
  readonly #host: DomainHost;
  /** Domains whose status file could not be read: their QEMU may still run, unwatched. */
  readonly #unmanaged = new Set<string>();
  #lastId = 0;

  private constructor(options: QemuConnectionOptions) {
    this.#options = options;
    const { events, paths, statusStore } = options;
    this.#host = {
      events,
      launch: async (def, id, onEvent, onClose) =>
        launchQemu({ def, id, caps: await this.#capsFor(def), paths, onEvent, onClose }),
      reattach: (run, onEvent, onClose) => reattachQemu({ ...run, paths, onEvent, onClose }),
      runDirs: (id, name) => runLayout(paths, id, name).dirs,
      nextId: () => ++this.#lastId,
      saveStatus: (name, status) => statusStore.saveStatus(name, status),
      deleteStatus: (name) => statusStore.deleteStatus(name),
      stopped: (domain) => {
        if (!domain.persistent) this.#domains.delete(domain.config.uuid);
      },
    };
  }

  /** Opens the connection with the definitions the config directory holds. */
  static async open(options: QemuConnectionOptions): Promise<QemuConnection> {
    const connection = new QemuConnection(options);
    const arch = (await connection.#capsFor(undefined)).arch;
    // A definition that no longer parses is skipped, as libvirt skips it with a warning.
    const { entries } = await options.configStore.listConfigs((xml) =>
      parseDomainXml(xml, { inactive: true, defaultArch: arch }),
    );
    for (const { value } of entries) {
      connection.#domains.set(value.uuid, new QemuDomain(value, true, connection.#host));
    }
    await connection.#reconnect(arch);
    return connection;
  }

  /**
   * qemuProcessReconnect: every status file a previous manager left is reattached to its QEMU,
   * or, when that QEMU is gone, ends the domain as the policy says. A status file that cannot
   * be read is reported and left alone, and its domain is not started again on the same disks.
   */
  async #reconnect(arch: string): Promise<void> {
    const { entries, errors } = await this.#options.statusStore.listStatus();
    for (const { name, error } of errors) this.#leaveUnmanaged(name, error);
    for (const { name, value: status } of entries) {
      let live: DomainDef;
      try {
        live = parseDomainXml(status.liveXml, { defaultArch: arch });
      } catch (error) {
        this.#leaveUnmanaged(name, error);
        continue;
      }
      const existing = this.#find({ name });
      if (live.id === undefined || live.name !== name || (existing && existing.config.uuid !== live.uuid)) {
        this.#leaveUnmanaged(name, new Error('its live XML does not belong to this domain run'));
        continue;
      }
      const domain = existing ?? new QemuDomain({ ...live, id: undefined }, false, this.#host);
      this.#domains.set(live.uuid, domain);
      this.#lastId = Math.max(this.#lastId, live.id);
      const { pid, monitorPath } = status;
      const alive = monitorPath !== undefined && (await isQemuWithMonitor(pid, monitorPath));
      await domain.reattach({ id: live.id, live, status, monitorPath: alive ? monitorPath : undefined });
    }
  }

  #leaveUnmanaged(name: string, error: unknown): void {
    this.#unmanaged.add(name);
    const detail = error instanceof Error ? error.message : String(error);
    process.emitWarning(`status of domain '${name}' left alone: ${detail}`, { code: 'VIRTKIT_QEMU_STATUS' });
  }

  async close(): Promise<void> {
    for (const domain of this.#domains.values()) await domain.detach();
    await this.#options.lock.release();
  }

  getUri(): string {
    return this.#options.uri;
  }

  async listDomains(): Promise<readonly DomainListing[]> {
    return [...this.#domains.values()].map((domain) => ({
      domain: domain.ref,
      state: domain.state,
      persistent: domain.persistent,
    }));
  }

  async lookupDomain(key: DomainKey): Promise<DomainRef | undefined> {
    return this.#find(key)?.ref;
  }

  async defineXml(xml: string, _options: DefineOptions): Promise<DomainRef> {
    const def = await this.#parse(xml);
    const existing = this.#claim(def);
    await this.#options.configStore.saveConfig(def.name, formatDomainXml(def, { inactive: true }));
    const domain = existing ?? new QemuDomain(def, true, this.#host);
    domain.config = def;
    domain.persistent = true;
    this.#domains.set(def.uuid, domain);
    this.#emit(domain, { type: 'defined', detail: existing ? 'updated' : 'added' });
    return domain.ref;
  }

  async undefine(ref: DomainRef, _options: UndefineOptions): Promise<void> {
    const domain = this.#domain(ref);
    if (!domain.persistent) throw qemuError('OPERATION_INVALID', 'cannot undefine transient domain');
    await this.#options.configStore.deleteConfig(domain.config.name);
    // A running domain stays, transient, until it stops.
    domain.persistent = false;
    if (!domain.active) this.#domains.delete(domain.config.uuid);
    this.#emit(domain, { type: 'undefined', detail: 'removed' });
  }

  async createXml(xml: string, options: CreateOptions): Promise<DomainRef> {
    const def = await this.#parse(xml);
    const existing = this.#claim(def);
    if (existing?.active) throw qemuError('OPERATION_INVALID', `domain '${def.name}' is already active`);
    if (existing) {
      // libvirt runs the new XML as the live definition of the defined domain: not yet here.
      throw new VirtError(
        'OPERATION_UNSUPPORTED',
        'creating a defined domain from new XML is not supported yet',
        {
          domain: 'QEMU',
        },
      );
    }
    const domain = new QemuDomain(def, false, this.#host);
    this.#domains.set(def.uuid, domain);
    try {
      await this.#start(domain, options);
    } catch (error) {
      this.#domains.delete(def.uuid);
      throw error;
    }
    return domain.ref;
  }

  async start(ref: DomainRef, options: StartOptions): Promise<DomainRef> {
    const domain = this.#domain(ref);
    await this.#start(domain, options);
    return domain.ref;
  }

  async shutdown(ref: DomainRef, options: ShutdownOptions): Promise<void> {
    const mode = powerRequestMode('qemuDomainShutdownFlags', options);
    await this.#domain(ref).request({ type: 'host-shutdown', mode });
  }

  async reboot(ref: DomainRef, options: ShutdownOptions): Promise<void> {
    const mode: PowerRequestMode = powerRequestMode('qemuDomainReboot', options);
    await this.#domain(ref).request({ type: 'host-reboot', mode });
  }

  /** qemuDomainReset: a plain system_reset; QEMU's RESET event then goes through the policy. */
  async reset(ref: DomainRef): Promise<void> {
    await this.#domain(ref).exclusive(async (run) => {
      if (!run) throw qemuError('OPERATION_INVALID', 'domain is not running');
      await run.qmp.execute('system_reset');
    });
  }

  async destroy(ref: DomainRef, options: DestroyOptions): Promise<void> {
    await this.#domain(ref).request({ type: 'host-destroy' }, { graceful: options.graceful === true });
  }

  async suspend(ref: DomainRef): Promise<void> {
    await this.#domain(ref).request({ type: 'host-suspend' });
  }

  async resume(ref: DomainRef): Promise<void> {
    await this.#domain(ref).request({ type: 'host-resume' });
  }

  async getState(ref: DomainRef) {
    const { state, reason } = this.#domain(ref).state;
    return { state, reason } as DomainListing['state'];
  }

  async isPersistent(ref: DomainRef): Promise<boolean> {
    return this.#domain(ref).persistent;
  }

  async getInfo(ref: DomainRef): Promise<DomainInfo> {
    const domain = this.#domain(ref);
    const { memory, vcpu } = domain.def;
    const pid = domain.pid;
    return {
      state: domain.state.state,
      maxMemKiB: memory.memoryKiB,
      memoryKiB: memory.currentMemoryKiB,
      nrVirtCpu: vcpu.current ?? vcpu.count,
      cpuTimeNs: pid === undefined ? 0n : await cpuTimeNs(pid),
    };
  }

  async getXmlDesc(ref: DomainRef, options: XmlDescOptions): Promise<string> {
    const domain = this.#domain(ref);
    const live = domain.active && !options.inactive;
    const def = live ? domain.def : domain.config;
    return formatDomainXml({ ...def, id: live ? domain.id : undefined }, options);
  }

  async getType(): Promise<string> {
    return 'QEMU';
  }

  async getVersion(): Promise<number> {
    return (await this.#capsFor(undefined)).version;
  }

  async getHostname(): Promise<string> {
    return hostname();
  }

  async #start(domain: QemuDomain, options: StartOptions): Promise<void> {
    if (options.autodestroy || options.resetNvram) {
      throw new VirtError('ARGUMENT_UNSUPPORTED', 'autodestroy and reset-nvram are not supported yet', {
        domain: 'QEMU',
      });
    }
    if (this.#unmanaged.has(domain.config.name)) {
      throw qemuError(
        'OPERATION_FAILED',
        `domain '${domain.config.name}' has a status file this manager could not read; its QEMU may still run`,
      );
    }
    await domain.request({ type: 'host-start', paused: options.paused === true });
  }

  /** Caps of the emulator a definition names (the default one without a definition). */
  #capsFor(def: DomainDef | undefined): Promise<QemuCaps> {
    const binary = def?.emulator ?? DEFAULT_EMULATOR;
    let caps = this.#caps.get(binary);
    if (!caps) {
      const { env, paths } = this.#options;
      caps = resolveEmulator(binary, env).then((path) => loadQemuCaps(path, env, paths.cacheDir));
      this.#caps.set(binary, caps);
    }
    return caps;
  }

  async #parse(xml: string): Promise<DomainDef> {
    const arch = (await this.#capsFor(undefined)).arch;
    return parseDomainXml(xml, { inactive: true, defaultArch: arch });
  }

  /**
   * The domain `def` replaces, if any; refuses a name or uuid that another domain has
   * (virDomainObjListAddLocked).
   */
  #claim(def: DomainDef): QemuDomain | undefined {
    const byUuid = this.#domains.get(def.uuid);
    if (byUuid && byUuid.config.name !== def.name) {
      throw qemuError(
        'OPERATION_FAILED',
        `domain '${byUuid.config.name}' is already defined with uuid ${byUuid.config.uuid}`,
      );
    }
    const byName = this.#find({ name: def.name });
    if (byName && byName.config.uuid !== def.uuid) {
      throw qemuError(
        'OPERATION_FAILED',
        `domain '${def.name}' already exists with uuid ${byName.config.uuid}`,
      );
    }
    return byUuid;
  }

  #find(key: DomainKey): QemuDomain | undefined {
    if ('uuid' in key) return this.#domains.get(key.uuid);
    for (const domain of this.#domains.values()) {
      if ('name' in key ? domain.config.name === key.name : domain.active && domain.id === key.id)
        return domain;
    }
    return undefined;
  }

  #domain(ref: DomainRef): QemuDomain {
    const domain = this.#domains.get(ref.uuid);
    if (!domain) throw domainGoneError(ref);
    return domain;
  }

  #emit(
    domain: QemuDomain,
    change: { type: 'defined'; detail: 'added' | 'updated' } | { type: 'undefined'; detail: 'removed' },
  ): void {
    this.#options.events.emit({ id: 'lifecycle', ...change, domain: domain.ref });
  }
}
