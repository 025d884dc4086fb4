import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  type AsyncJobKind,
  type CreateOptions,
  type DefineOptions,
  type DestroyOptions,
  type DomainCapabilitiesOptions,
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
  hostNodeInfo,
  JobLocks,
  type NodeInfo,
  type PowerRequestMode,
  parseDomainXml,
  type SecurityLabel,
  type SecurityModel,
  type ShutdownOptions,
  type StartOptions,
  type StateLock,
  type UndefineOptions,
  type VcpuCountOptions,
  VirtError,
  type XmlDescOptions,
} from '@virtkit/core';
import { claimAutostart } from './autostart.js';
import { DEFAULT_EMULATOR, loadQemuCaps, resolveEmulator } from './capabilities-source.js';
import {
  type CapsSource,
  capabilitiesDocument,
  domainCapabilitiesDocument,
} from './capabilities-xml/index.js';
import type { QemuCaps } from './caps/index.js';
import { postParseForQemu } from './define/index.js';
import type { QemuDriverPaths } from './driver-paths.js';

import { validateQemuLifecycle } from './lifecycle-support.js';
import { checkNativeFormat, qemuArgvText } from './native-argv.js';
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
  /** Async jobs (backup, …) by domain uuid: one at a time, as libvirt's job lock has it. */
  readonly #jobs = new JobLocks();
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
      autoDumpDir: join(paths.libDir, 'dump'),
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
    await connection.#autostart();
    return connection;
  }

  /**
   * qemuAutostartDomains, once per host boot: starts every inactive domain marked for
   * autostart, in turn; a failure is reported as a warning, as libvirt logs it, and the rest go on.
   */
  async #autostart(): Promise<void> {
    if (!(await claimAutostart(this.#options.paths.stateDir))) return;
    for (const name of await this.#options.configStore.listAutostart()) {
      const domain = this.#find({ name });
      if (!domain || domain.active) continue;
      await this.#start(domain, {}).catch((error: unknown) => {
        const detail = error instanceof Error ? error.message : String(error);
        process.emitWarning(`Failed to autostart VM '${name}': ${detail}`, {
          code: 'VIRTKIT_QEMU_AUTOSTART',
        });
      });
    }
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
    const autostart = new Set(await this.#options.configStore.listAutostart());
    return [...this.#domains.values()].map((domain) => ({
      domain: domain.ref,
      state: domain.state,
      persistent: domain.persistent,
      autostart: domain.persistent && autostart.has(domain.config.name),
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

  /**
   * Begins an async job (backup, …) on a running domain, waiting for an earlier one as
   * libvirt's job lock does. Driver-internal: while it runs, a guest power-off keeps QEMU
   * alive `in shutdown`; end() finishes that shutdown. A destroy meanwhile ends the job.
   */
  async beginAsyncJob(ref: DomainRef, kind: AsyncJobKind): Promise<{ end(): Promise<void> }> {
    const domain = this.#domain(ref);
    const lock = await this.#jobs.acquireAsync(domain.config.uuid, kind, { owner: kind });
    const job = { kind, release: () => lock.release() };
    try {
      await domain.beginAsyncJob(job);
    } catch (error) {
      lock.release();
      throw error;
    }
    return { end: () => domain.endAsyncJob(job) };
  }

  /**
   * virDomainQemuMonitorCommand: a QMP command given as JSON text (its reply comes back as JSON
   * text), or with `hmp` a human-monitor command (its output comes back).
   */
  async monitorCommand(ref: DomainRef, command: string, options: { hmp?: boolean } = {}): Promise<string> {
    return this.#domain(ref).exclusive(async (run) => {
      if (!run) throw qemuError('OPERATION_INVALID', 'domain is not running');
      if (options.hmp) {
        return String(await run.qmp.executeUnchecked('human-monitor-command', { 'command-line': command }));
      }
      const { execute, arguments: args } = JSON.parse(command) as {
        execute: string;
        arguments?: Record<string, unknown>;
      };
      return JSON.stringify({ return: await run.qmp.executeUnchecked(execute, args) });
    });
  }

  async getAutostart(ref: DomainRef): Promise<boolean> {
    const domain = this.#domain(ref);
    return domain.persistent && this.#options.configStore.getAutostart(domain.config.name);
  }

  async setAutostart(ref: DomainRef, autostart: boolean): Promise<void> {
    const domain = this.#domain(ref);
    if (!domain.persistent) throw qemuError('OPERATION_INVALID', 'cannot set autostart for transient domain');
    await this.#options.configStore.setAutostart(domain.config.name, autostart);
  }

  /** No managed save yet, so no domain ever has an image. */
  async hasManagedSave(ref: DomainRef): Promise<boolean> {
    this.#domain(ref);
    return false;
  }

  async getOsType(ref: DomainRef): Promise<string> {
    return this.#domain(ref).def.os.type;
  }

  /** qemuDomainGetVcpusFlags without the guest agent: the maximum or current count. */
  async getVcpusFlags(ref: DomainRef, options: VcpuCountOptions): Promise<number> {
    const domain = this.#domain(ref);
    if (options.guest) throw qemuError('OPERATION_INVALID', 'QEMU guest agent is not configured');
    if (options.live && !domain.active) throw qemuError('OPERATION_INVALID', 'domain is not running');
    if (options.config && !domain.persistent) {
      throw qemuError('OPERATION_INVALID', 'transient domains do not have any persistent config');
    }
    const { vcpu } = options.config ? domain.config : domain.def;
    return options.maximum ? vcpu.count : (vcpu.current ?? vcpu.count);
  }

  /** No security driver (security_driver = "none"): every domain is unlabelled. */
  async getSecurityLabel(ref: DomainRef): Promise<SecurityLabel> {
    this.#domain(ref);
    return { label: '', enforcing: false };
  }

  async getSecurityModel(): Promise<SecurityModel> {
    return { model: 'none', doi: '0' };
  }

  /** qemuConnectGetMaxVcpus: 16 for TCG (and no type); KVM's limit is an ioctl on /dev/kvm, not asked yet. */
  async getMaxVcpus(type?: string): Promise<number> {
    if (type === undefined || type.toLowerCase() === 'qemu') return 16;
    if (type.toLowerCase() === 'kvm') {
      throw new VirtError('OPERATION_UNSUPPORTED', "KVM's vCPU limit is not probed yet", { domain: 'QEMU' });
    }
    throw new VirtError('INVALID_ARG', `unknown type '${type}'`);
  }

  async getNodeInfo(): Promise<NodeInfo> {
    return hostNodeInfo();
  }

  async getVersion(): Promise<number> {
    return (await this.#capsFor(undefined)).version;
  }

  /** qemuConnectGetCapabilities: built in capabilities-xml/ from the probed emulators and /sys. */
  async getCapabilities(): Promise<string> {
    return capabilitiesDocument(this.#capsSource());
  }

  async getDomainCapabilities(options: DomainCapabilitiesOptions): Promise<string> {
    return domainCapabilitiesDocument(options, this.#capsSource());
  }

  #capsSource(): CapsSource {
    return { env: this.#options.env, capsOf: (binary) => this.#capsOf(binary) };
  }

  async getHostname(): Promise<string> {
    return hostname();
  }

  /** qemuConnectDomainXMLToNative: the argv a start of `xml` would use (native-argv.ts). */
  async domainXmlToNative(format: string, xml: string): Promise<string> {
    checkNativeFormat(format);
    const def = await this.#parse(xml);
    const host = { libDir: this.#options.paths.libDir, env: this.#options.env };
    return qemuArgvText(def, await this.#capsFor(def), host);
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
    return this.#capsOf(def?.emulator ?? DEFAULT_EMULATOR);
  }

  /** Caps of an emulator by path or PATH name, probed once per connection; a failure is not kept. */
  #capsOf(binary: string): Promise<QemuCaps> {
    let caps = this.#caps.get(binary);
    if (!caps) {
      const { env, paths } = this.#options;
      caps = resolveEmulator(binary, env).then((path) => loadQemuCaps(path, env, paths.cacheDir));
      caps.catch(() => this.#caps.delete(binary));
      this.#caps.set(binary, caps);
    }
    return caps;
  }

  /** A new definition as libvirt's define and create see it: parsed, then the QEMU post-parse. */
  async #parse(xml: string): Promise<DomainDef> {
    const arch = (await this.#capsFor(undefined)).arch;
    const def = parseDomainXml(xml, { inactive: true, defaultArch: arch });
    validateQemuLifecycle(def);
    return postParseForQemu(def, await this.#capsFor(def), { abiUpdate: true, newDomain: true });
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
