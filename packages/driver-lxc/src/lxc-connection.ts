import { readlink, realpath, writeFile } from 'node:fs/promises';
import { hostname, release } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import {
  type ConsoleOptions,
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
  HOST_ARCH,
  hostNodeInfo,
  isProcessAlive,
  type NodeInfo,
  parseDomainXml,
  type SecurityLabel,
  type SecurityModel,
  type ShutdownOptions,
  type StartOptions,
  type StateLock,
  type UndefineOptions,
  VirtError,
  type XmlDescOptions,
} from '@virtkit/core';
import { ContainerCgroup } from './cgroup/index.js';
import { RUN_FILES } from './controller/protocol.js';
import {
  launchContainer,
  openConsoleSession,
  readExitFile,
  reattachContainer,
  SpareControllers,
} from './controller-client/index.js';
import { consolesOf, postParseForLxc } from './define/index.js';
import { type LxcDriverPaths, logPathOf, runDirOf } from './driver-paths.js';
import { LxcDomain, type LxcDomainHost, type LxcDriverData } from './lxc-domain.js';
import { lxcDomainXmlFromNative } from './native/index.js';
import { lxcPowerRequest } from './shutdown-modes.js';

export interface LxcConnectionOptions {
  uri: string;
  paths: LxcDriverPaths;
  /** Persistent definitions (config/, autostart/) under the config directory. */
  configStore: DomainStore;
  /** Status of running containers (status/) under the state directory. */
  statusStore: DomainStore;
  lock: StateLock;
  events: EventBus;
}

const lxcError = (code: 'OPERATION_INVALID' | 'OPERATION_FAILED' | 'INTERNAL_ERROR', detail: string) =>
  new VirtError(code, detail, { domain: 'LXC' });

/**
 * virDriverShouldAutostart: autostart runs once per boot of the host; the first manager of the
 * state directory (a tmpfs for lxc:///system) leaves a marker there.
 */
async function claimAutostart(stateDir: string): Promise<boolean> {
  try {
    await writeFile(`${stateDir}/autostarted`, '', { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Whether `pid` is a controller of the run directory `runDir` (not a recycled pid): a controller
 * works in its run directory (controller-main.ts), whether it was started for it or as a spare.
 */
async function isControllerOf(pid: number, runDir: string): Promise<boolean> {
  if (!(await isProcessAlive(pid))) return false;
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
  return cwd === (await realpath(runDir).catch(() => runDir));
}

/** The kernel's version as libvirt's lxcConnectGetVersion encodes uname's release. */
export function kernelVersion(text = release()): number {
  const [major = 0, minor = 0, micro = 0] = (/^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text) ?? [])
    .slice(1)
    .map((part) => Number(part ?? 0));
  return major * 1_000_000 + minor * 1_000 + micro;
}

/**
 * A connection to one LXC driver instance (its directories, held through the manager lock): the
 * domains, their definitions on disk, and the controllers of the running ones.
 */
export class LxcConnection implements DriverConnection {
  readonly #options: LxcConnectionOptions;
  readonly #domains = new Map<string, LxcDomain>();
  readonly #host: LxcDomainHost;
  /** Domains whose status file could not be read: their container may still run, unwatched. */
  readonly #unmanaged = new Set<string>();
  readonly #spares: SpareControllers;

  private constructor(options: LxcConnectionOptions) {
    this.#options = options;
    const { events, paths, statusStore } = options;
    // Spares wait in the directory runDirOf puts run directories in.
    this.#spares = new SpareControllers(join(paths.stateDir, 'run'));
    this.#host = {
      events,
      launch: (def, handlers) =>
        launchContainer({
          def,
          runDir: runDirOf(paths, def.name),
          logPath: logPathOf(paths, def.name),
          handlers,
          spares: this.#spares,
        }),
      reattach: (pid, runDir, handlers) => reattachContainer({ pid, runDir, handlers }),
      runDir: (name) => runDirOf(paths, name),
      saveStatus: (name, status) => statusStore.saveStatus(name, status),
      deleteStatus: (name) => statusStore.deleteStatus(name),
      stopped: (domain) => {
        if (!domain.persistent) this.#domains.delete(domain.config.uuid);
      },
    };
  }

  static async open(options: LxcConnectionOptions): Promise<LxcConnection> {
    const connection = new LxcConnection(options);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(options.paths.logDir, { recursive: true, mode: 0o700 });
    // A definition that no longer parses is skipped, as libvirt skips it with a warning.
    const { entries } = await options.configStore.listConfigs((xml) =>
      parseDomainXml(xml, { inactive: true, defaultArch: HOST_ARCH }),
    );
    for (const { value } of entries) {
      connection.#domains.set(value.uuid, new LxcDomain(value, true, connection.#host));
    }
    await connection.#reconnect();
    await connection.#autostart();
    return connection;
  }

  /** lxcAutostartDomains, once per host boot; a failure is a warning and the rest go on. */
  async #autostart(): Promise<void> {
    if (!(await claimAutostart(this.#options.paths.stateDir))) return;
    for (const name of await this.#options.configStore.listAutostart()) {
      const domain = this.#find({ name });
      if (!domain || domain.active) continue;
      await this.#start(domain, {}).catch((error: unknown) => {
        const detail = error instanceof Error ? error.message : String(error);
        process.emitWarning(`Failed to autostart VM '${name}': ${detail}`, { code: 'VIRTKIT_LXC_AUTOSTART' });
      });
    }
  }

  /**
   * virLXCProcessReconnectAll: every status file a previous manager left is reattached to its
   * controller, or, when that is gone, ends the domain as its recorded exit says. A status file
   * that cannot be read is reported and left alone.
   */
  async #reconnect(): Promise<void> {
    const { entries, errors } = await this.#options.statusStore.listStatus();
    for (const { name, error } of errors) this.#leaveUnmanaged(name, error);
    for (const { name, value: status } of entries) {
      let live: DomainDef;
      try {
        live = parseDomainXml(status.liveXml, { defaultArch: HOST_ARCH });
      } catch (error) {
        this.#leaveUnmanaged(name, error);
        continue;
      }
      const existing = this.#find({ name });
      if (live.name !== name || (existing && existing.config.uuid !== live.uuid)) {
        this.#leaveUnmanaged(name, new Error('its live XML does not belong to this domain run'));
        continue;
      }
      const domain = existing ?? new LxcDomain({ ...live, id: undefined }, false, this.#host);
      this.#domains.set(live.uuid, domain);
      const runDir =
        (status.driverData as Partial<LxcDriverData> | undefined)?.runDir ??
        runDirOf(this.#options.paths, name);
      const controllerAlive = await isControllerOf(status.pid, runDir);
      const exit = controllerAlive ? undefined : await readExitFile(runDir);
      await domain.reattach({ live: { ...live, id: status.pid }, status, controllerAlive, exit });
    }
  }

  #leaveUnmanaged(name: string, error: unknown): void {
    this.#unmanaged.add(name);
    const detail = error instanceof Error ? error.message : String(error);
    process.emitWarning(`status of domain '${name}' left alone: ${detail}`, { code: 'VIRTKIT_LXC_STATUS' });
  }

  async close(): Promise<void> {
    this.#spares.close();
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
    const def = this.#parse(xml);
    const existing = this.#claim(def);
    await this.#options.configStore.saveConfig(def.name, formatDomainXml(def, { inactive: true }));
    const domain = existing ?? new LxcDomain(def, true, this.#host);
    domain.config = def;
    domain.persistent = true;
    this.#domains.set(def.uuid, domain);
    this.#emit(domain, { type: 'defined', detail: existing ? 'updated' : 'added' });
    return domain.ref;
  }

  async undefine(ref: DomainRef, _options: UndefineOptions): Promise<void> {
    const domain = this.#domain(ref);
    if (!domain.persistent) throw lxcError('OPERATION_INVALID', 'cannot undefine transient domain');
    await this.#options.configStore.deleteConfig(domain.config.name);
    domain.persistent = false;
    if (!domain.active) this.#domains.delete(domain.config.uuid);
    this.#emit(domain, { type: 'undefined', detail: 'removed' });
  }

  async createXml(xml: string, options: CreateOptions): Promise<DomainRef> {
    checkStartFlags('lxcDomainCreateXMLWithFiles', options);
    const def = this.#parse(xml);
    const existing = this.#claim(def);
    if (existing?.active) throw lxcError('OPERATION_INVALID', `domain '${def.name}' is already active`);
    if (existing) {
      throw new VirtError(
        'OPERATION_UNSUPPORTED',
        'creating a defined domain from new XML is not supported yet',
        {
          domain: 'LXC',
        },
      );
    }
    const domain = new LxcDomain(def, false, this.#host);
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
    checkStartFlags('lxcDomainCreateWithFiles', options);
    const domain = this.#domain(ref);
    await this.#start(domain, options);
    return domain.ref;
  }

  async shutdown(ref: DomainRef, options: ShutdownOptions): Promise<void> {
    const { mode, signalFallback } = lxcPowerRequest('lxcDomainShutdownFlags', options);
    await this.#domain(ref).request({ type: 'host-shutdown', mode }, { mode, signalFallback });
  }

  async reboot(ref: DomainRef, options: ShutdownOptions): Promise<void> {
    const { mode, signalFallback } = lxcPowerRequest('lxcDomainReboot', options);
    await this.#domain(ref).request({ type: 'host-reboot', mode }, { mode, signalFallback });
  }

  async destroy(ref: DomainRef, _options: DestroyOptions): Promise<void> {
    await this.#domain(ref).request({ type: 'host-destroy' });
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

  /** lxcDomainGetInfo: memory in use and CPU time from the container's cgroup while it runs. */
  async getInfo(ref: DomainRef): Promise<DomainInfo> {
    const domain = this.#domain(ref);
    const { memory, vcpu } = domain.def;
    const placement = domain.run?.cgroup;
    const cgroup = placement ? ContainerCgroup.at(placement) : undefined;
    return {
      state: domain.state.state,
      maxMemKiB: memory.memoryKiB,
      memoryKiB:
        (cgroup && (await cgroup.memoryUsageKiB().catch(() => undefined))) ?? memory.currentMemoryKiB,
      nrVirtCpu: vcpu.current ?? vcpu.count,
      cpuTimeNs: cgroup ? await cgroup.cpuTimeNs().catch(() => 0n) : 0n,
    };
  }

  async getXmlDesc(ref: DomainRef, options: XmlDescOptions): Promise<string> {
    const domain = this.#domain(ref);
    const live = domain.active && !options.inactive;
    const def = live ? domain.def : domain.config;
    return formatDomainXml({ ...def, id: live ? domain.id : undefined }, options);
  }

  async getAutostart(ref: DomainRef): Promise<boolean> {
    const domain = this.#domain(ref);
    return domain.persistent && this.#options.configStore.getAutostart(domain.config.name);
  }

  async setAutostart(ref: DomainRef, autostart: boolean): Promise<void> {
    const domain = this.#domain(ref);
    if (!domain.persistent) throw lxcError('OPERATION_INVALID', 'cannot set autostart for transient domain');
    await this.#options.configStore.setAutostart(domain.config.name, autostart);
  }

  async hasManagedSave(ref: DomainRef): Promise<boolean> {
    this.#domain(ref);
    return false;
  }

  async getOsType(ref: DomainRef): Promise<string> {
    return this.#domain(ref).def.os.type;
  }

  /** No security driver (security_driver = "none"): every domain is unlabelled. */
  async getSecurityLabel(ref: DomainRef): Promise<SecurityLabel> {
    this.#domain(ref);
    return { label: '', enforcing: false };
  }

  async getSecurityModel(): Promise<SecurityModel> {
    return { model: 'none', doi: '0' };
  }

  /**
   * lxcDomainOpenConsole: the named console (by alias) or the first, which must be a PTY; the
   * session goes through the controller's console.sock.
   */
  async openConsole(ref: DomainRef, options: ConsoleOptions): Promise<Duplex> {
    const domain = this.#domain(ref);
    return domain.exclusive(async (run) => {
      if (!domain.active || !run) throw lxcError('OPERATION_INVALID', 'domain is not running');
      const consoles = consolesOf(domain.def);
      const chosen =
        options.devName === undefined
          ? consoles[0]
          : consoles.find((console) => console.info.alias === options.devName);
      if (!chosen) {
        throw lxcError('INTERNAL_ERROR', `cannot find console device '${options.devName ?? ''}'`);
      }
      if (chosen.source.type !== 'pty') {
        throw lxcError('INTERNAL_ERROR', `character device ${options.devName ?? ''} is not using a PTY`);
      }
      return openConsoleSession(`${run.runDir}/${RUN_FILES.console}`, { force: options.force === true });
    });
  }

  async getType(): Promise<string> {
    return 'LXC';
  }

  /** lxcNodeGetInfo: the host's, as every driver reports it. */
  async getNodeInfo(): Promise<NodeInfo> {
    return hostNodeInfo();
  }

  async getHostname(): Promise<string> {
    return hostname();
  }

  async getVersion(): Promise<number> {
    return kernelVersion();
  }

  /** lxcConnectDomainXMLFromNative: only LXC-tools configs. */
  async domainXmlFromNative(format: string, config: string): Promise<string> {
    if (format !== 'lxc-tools') {
      throw new VirtError('INVALID_ARG', `unsupported config type ${format}`, { domain: 'LXC' });
    }
    return lxcDomainXmlFromNative(config, { emulator: '/usr/lib/libvirt/libvirt_lxc' });
  }

  async #start(domain: LxcDomain, _options: StartOptions): Promise<void> {
    if (this.#unmanaged.has(domain.config.name)) {
      throw lxcError(
        'OPERATION_FAILED',
        `domain '${domain.config.name}' has a status file this manager could not read; its container may still run`,
      );
    }
    await domain.request({ type: 'host-start' });
  }

  /** A new definition as libvirt's define and create see it: parsed, then the LXC post-parse. */
  #parse(xml: string): DomainDef {
    return postParseForLxc(parseDomainXml(xml, { inactive: true, defaultArch: HOST_ARCH }));
  }

  /** The domain `def` replaces, if any; refuses a name or uuid another domain has. */
  #claim(def: DomainDef): LxcDomain | undefined {
    const byUuid = this.#domains.get(def.uuid);
    if (byUuid && byUuid.config.name !== def.name) {
      throw lxcError(
        'OPERATION_FAILED',
        `domain '${byUuid.config.name}' is already defined with uuid ${byUuid.config.uuid}`,
      );
    }
    const byName = this.#find({ name: def.name });
    if (byName && byName.config.uuid !== def.uuid) {
      throw lxcError(
        'OPERATION_FAILED',
        `domain '${def.name}' already exists with uuid ${byName.config.uuid}`,
      );
    }
    return byUuid;
  }

  #find(key: DomainKey): LxcDomain | undefined {
    if ('uuid' in key) return this.#domains.get(key.uuid);
    for (const domain of this.#domains.values()) {
      if ('name' in key ? domain.config.name === key.name : domain.active && domain.id === key.id)
        return domain;
    }
    return undefined;
  }

  #domain(ref: DomainRef): LxcDomain {
    const domain = this.#domains.get(ref.uuid);
    if (!domain) throw domainGoneError(ref);
    return domain;
  }

  #emit(
    domain: LxcDomain,
    change: { type: 'defined'; detail: 'added' | 'updated' } | { type: 'undefined'; detail: 'removed' },
  ): void {
    this.#options.events.emit({ id: 'lifecycle', ...change, domain: domain.ref });
  }
}

/** lxcDomainCreateWithFiles / lxcDomainCreateXMLWithFiles accept autodestroy alone (paused is 0x1). */
function checkStartFlags(api: string, options: CreateOptions): void {
  if (options.paused) throw new VirtError('INVALID_ARG', `unsupported flags (0x1) in function ${api}`);
  if (options.autodestroy) {
    throw new VirtError('ARGUMENT_UNSUPPORTED', 'autodestroy is not supported yet', { domain: 'LXC' });
  }
}
