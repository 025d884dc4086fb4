import { mkdir, readlink, realpath } from 'node:fs/promises';
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
  DomainList,
  type DomainListing,
  type DomainRef,
  type DriverConnection,
  type EventBus,
  HOST_ARCH,
  hostNodeInfo,
  isProcessAlive,
  type ManagerStores,
  type NodeInfo,
  parseDomainXml,
  type SecurityLabel,
  type SecurityModel,
  type ShutdownOptions,
  type StartOptions,
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
import { consolesOf, DEFAULT_LXC_EMULATOR, postParseForLxc } from './define/index.js';
import { type LxcDriverPaths, logPathOf, runDirOf } from './driver-paths.js';
import { LxcDomain, type LxcDomainHost, type LxcDriverData } from './lxc-domain.js';
import { lxcDomainXmlFromNative } from './native/index.js';
import { lxcPowerRequest } from './shutdown-modes.js';

export interface LxcConnectionOptions extends ManagerStores {
  uri: string;
  paths: LxcDriverPaths;
  events: EventBus;
}

const lxcError = (code: 'OPERATION_INVALID' | 'INTERNAL_ERROR', detail: string) =>
  new VirtError(code, detail, { domain: 'LXC' });

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
  readonly #domains: DomainList<LxcDomain>;
  readonly #spares: SpareControllers;

  private constructor(options: LxcConnectionOptions) {
    this.#options = options;
    const { configStore, events, paths, statusStore } = options;
    // Spares wait in the directory runDirOf puts run directories in.
    this.#spares = new SpareControllers(join(paths.stateDir, 'run'));
    const host: LxcDomainHost = {
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
      saveStatus: (name, status) => statusStore.saveStatus(name, status),
      deleteStatus: (name) => statusStore.deleteStatus(name),
      stopped: (domain) => this.#domains.stopped(domain),
    };
    this.#domains = new DomainList({
      errorDomain: 'LXC',
      configStore,
      events,
      create: (config, persistent) => new LxcDomain(config, persistent, host),
    });
  }

  static async open(options: LxcConnectionOptions): Promise<LxcConnection> {
    const connection = new LxcConnection(options);
    await mkdir(options.paths.logDir, { recursive: true, mode: 0o700 });
    await connection.#domains.load((xml) => parseDomainXml(xml, { inactive: true, defaultArch: HOST_ARCH }));
    await connection.#reconnect();
    // lxcAutostartDomains
    await connection.#domains.autostart(options.paths.stateDir, (domain) => connection.#start(domain, {}));
    return connection;
  }

  /**
   * virLXCProcessReconnectAll: every status file a previous manager left is reattached to its
   * controller, or, when that is gone, ends the domain as its recorded exit says.
   */
  async #reconnect(): Promise<void> {
    const parse = (xml: string) => parseDomainXml(xml, { defaultArch: HOST_ARCH });
    await this.#domains.reclaimRuns(this.#options.statusStore, parse, async ({ domain, live, status }) => {
      const runDir =
        (status.driverData as Partial<LxcDriverData> | undefined)?.runDir ??
        runDirOf(this.#options.paths, live.name);
      const controllerAlive = await isControllerOf(status.pid, runDir);
      const exit = controllerAlive ? undefined : await readExitFile(runDir);
      await domain.reattach({ live: { ...live, id: status.pid }, status, runDir, controllerAlive, exit });
    });
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
    return this.#domains.listings();
  }

  async lookupDomain(key: DomainKey): Promise<DomainRef | undefined> {
    return this.#domains.find(key)?.ref;
  }

  async defineXml(xml: string, _options: DefineOptions): Promise<DomainRef> {
    return (await this.#domains.define(this.#parse(xml))).ref;
  }

  async undefine(ref: DomainRef, _options: UndefineOptions): Promise<void> {
    await this.#domains.undefine(ref);
  }

  async createXml(xml: string, options: CreateOptions): Promise<DomainRef> {
    checkStartFlags('lxcDomainCreateXMLWithFiles', options);
    const domain = await this.#domains.createTransient(this.#parse(xml), (created) =>
      this.#start(created, options),
    );
    return domain.ref;
  }

  async start(ref: DomainRef, options: StartOptions): Promise<DomainRef> {
    checkStartFlags('lxcDomainCreateWithFiles', options);
    const domain = this.#domains.get(ref);
    await this.#start(domain, options);
    return domain.ref;
  }

  async shutdown(ref: DomainRef, options: ShutdownOptions): Promise<void> {
    const { mode, signalFallback } = lxcPowerRequest('lxcDomainShutdownFlags', options);
    await this.#domains.get(ref).request({ type: 'host-shutdown', mode }, { mode, signalFallback });
  }

  async reboot(ref: DomainRef, options: ShutdownOptions): Promise<void> {
    const { mode, signalFallback } = lxcPowerRequest('lxcDomainReboot', options);
    await this.#domains.get(ref).request({ type: 'host-reboot', mode }, { mode, signalFallback });
  }

  async destroy(ref: DomainRef, _options: DestroyOptions): Promise<void> {
    await this.#domains.get(ref).request({ type: 'host-destroy' });
  }

  async suspend(ref: DomainRef): Promise<void> {
    await this.#domains.get(ref).request({ type: 'host-suspend' });
  }

  async resume(ref: DomainRef): Promise<void> {
    await this.#domains.get(ref).request({ type: 'host-resume' });
  }

  async getState(ref: DomainRef) {
    const { state, reason } = this.#domains.get(ref).state;
    return { state, reason } as DomainListing['state'];
  }

  async isPersistent(ref: DomainRef): Promise<boolean> {
    return this.#domains.get(ref).persistent;
  }

  /** lxcDomainGetInfo: memory in use and CPU time from the container's cgroup while it runs. */
  async getInfo(ref: DomainRef): Promise<DomainInfo> {
    const domain = this.#domains.get(ref);
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
    return this.#domains.xmlDesc(ref, options);
  }

  async getAutostart(ref: DomainRef): Promise<boolean> {
    return this.#domains.getAutostart(ref);
  }

  async setAutostart(ref: DomainRef, autostart: boolean): Promise<void> {
    await this.#domains.setAutostart(ref, autostart);
  }

  async hasManagedSave(ref: DomainRef): Promise<boolean> {
    this.#domains.get(ref);
    return false;
  }

  async getOsType(ref: DomainRef): Promise<string> {
    return this.#domains.get(ref).def.os.type;
  }

  /** No security driver (security_driver = "none"): every domain is unlabelled. */
  async getSecurityLabel(ref: DomainRef): Promise<SecurityLabel> {
    this.#domains.get(ref);
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
    const domain = this.#domains.get(ref);
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
    return lxcDomainXmlFromNative(config, { emulator: DEFAULT_LXC_EMULATOR });
  }

  async #start(domain: LxcDomain, _options: StartOptions): Promise<void> {
    this.#domains.assertManaged(domain, 'container');
    await domain.request({ type: 'host-start' });
  }

  /** A new definition as libvirt's define and create see it: parsed, then the LXC post-parse. */
  #parse(xml: string): DomainDef {
    return postParseForLxc(parseDomainXml(xml, { inactive: true, defaultArch: HOST_ARCH }));
  }
}

/** lxcDomainCreateWithFiles / lxcDomainCreateXMLWithFiles accept autodestroy alone (paused is 0x1). */
function checkStartFlags(api: string, options: CreateOptions): void {
  if (options.paused) throw new VirtError('INVALID_ARG', `unsupported flags (0x1) in function ${api}`);
  if (options.autodestroy) {
    throw new VirtError('ARGUMENT_UNSUPPORTED', 'autodestroy is not supported yet', { domain: 'LXC' });
  }
}
