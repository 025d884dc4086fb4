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
  DomainList,
  type DomainListing,
  type DomainRef,
  type DriverConnection,
  type EventBus,
  hostNodeInfo,
  JobLocks,
  type ManagerStores,
  type NodeInfo,
  type PowerRequestMode,
  parseDomainXml,
  type SecurityLabel,
  type SecurityModel,
  type ShutdownOptions,
  type StartOptions,
  type UndefineOptions,
  type VcpuCountOptions,
  VirtError,
  type XmlDescOptions,
} from '@virtkit/core';
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

export interface QemuConnectionOptions extends ManagerStores {
  uri: string;
  paths: QemuDriverPaths;
  events: EventBus;
  env: Readonly<Record<string, string | undefined>>;
}

const qemuError = (code: 'OPERATION_INVALID', detail: string) =>
  new VirtError(code, detail, { domain: 'QEMU' });

/**
 * A connection to one QEMU driver instance (its directories, held through the manager lock):
 * the domains, their definitions on disk, and the QEMU processes of the running ones.
 */
export class QemuConnection implements DriverConnection {
  readonly #options: QemuConnectionOptions;
  readonly #domains: DomainList<QemuDomain>;
  readonly #caps = new Map<string, Promise<QemuCaps>>();
  /** Async jobs (backup, …) by domain uuid: one at a time, as libvirt's job lock has it. */
  readonly #jobs = new JobLocks();
  #lastId = 0;

  private constructor(options: QemuConnectionOptions) {
    this.#options = options;
    const { configStore, events, paths, statusStore } = options;
    const host: DomainHost = {
      events,
      launch: async (def, id, onEvent, onClose) =>
        launchQemu({ def, id, caps: await this.#capsFor(def), paths, onEvent, onClose }),
      reattach: (run, onEvent, onClose) => reattachQemu({ ...run, paths, onEvent, onClose }),
      runDirs: (id, name) => runLayout(paths, id, name).dirs,
      nextId: () => ++this.#lastId,
      autoDumpDir: join(paths.libDir, 'dump'),
      saveStatus: (name, status) => statusStore.saveStatus(name, status),
      deleteStatus: (name) => statusStore.deleteStatus(name),
      stopped: (domain) => this.#domains.stopped(domain),
    };
    this.#domains = new DomainList({
      errorDomain: 'QEMU',
      configStore,
      events,
      create: (config, persistent) => new QemuDomain(config, persistent, host),
    });
  }

  /** Opens the connection with the definitions the config directory holds. */
  static async open(options: QemuConnectionOptions): Promise<QemuConnection> {
    const connection = new QemuConnection(options);
    const arch = (await connection.#capsFor(undefined)).arch;
    await connection.#domains.load((xml) => parseDomainXml(xml, { inactive: true, defaultArch: arch }));
    await connection.#reconnect(arch);
    // qemuAutostartDomains
    await connection.#domains.autostart(options.paths.stateDir, (domain) => connection.#start(domain, {}));
    return connection;
  }

  /**
   * qemuProcessReconnect: every status file a previous manager left is reattached to its QEMU,
   * or, when that QEMU is gone, ends the domain as the policy says.
   */
  async #reconnect(arch: string): Promise<void> {
    const parse = (xml: string): DomainDef & { id: number } => {
      const live = parseDomainXml(xml, { defaultArch: arch });
      // A run's live XML always has its id; one without is not a run's.
      if (live.id === undefined) throw new Error('its live XML does not belong to this domain run');
      return { ...live, id: live.id };
    };
    await this.#domains.reclaimRuns(this.#options.statusStore, parse, async ({ domain, live, status }) => {
      this.#lastId = Math.max(this.#lastId, live.id);
      const { pid, monitorPath } = status;
      const alive = monitorPath !== undefined && (await isQemuWithMonitor(pid, monitorPath));
      await domain.reattach({ id: live.id, live, status, monitorPath: alive ? monitorPath : undefined });
    });
  }

  async close(): Promise<void> {
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
    return (await this.#domains.define(await this.#parse(xml))).ref;
  }

  async undefine(ref: DomainRef, _options: UndefineOptions): Promise<void> {
    await this.#domains.undefine(ref);
  }

  async createXml(xml: string, options: CreateOptions): Promise<DomainRef> {
    const domain = await this.#domains.createTransient(await this.#parse(xml), (created) =>
      this.#start(created, options),
    );
    return domain.ref;
  }

  async start(ref: DomainRef, options: StartOptions): Promise<DomainRef> {
    const domain = this.#domains.get(ref);
    await this.#start(domain, options);
    return domain.ref;
  }

  async shutdown(ref: DomainRef, options: ShutdownOptions): Promise<void> {
    const mode = powerRequestMode('qemuDomainShutdownFlags', options);
    await this.#domains.get(ref).request({ type: 'host-shutdown', mode });
  }

  async reboot(ref: DomainRef, options: ShutdownOptions): Promise<void> {
    const mode: PowerRequestMode = powerRequestMode('qemuDomainReboot', options);
    await this.#domains.get(ref).request({ type: 'host-reboot', mode });
  }

  /** qemuDomainReset: a plain system_reset; QEMU's RESET event then goes through the policy. */
  async reset(ref: DomainRef): Promise<void> {
    await this.#domains.get(ref).exclusive(async (run) => {
      if (!run) throw qemuError('OPERATION_INVALID', 'domain is not running');
      await run.qmp.execute('system_reset');
    });
  }

  async destroy(ref: DomainRef, options: DestroyOptions): Promise<void> {
    await this.#domains.get(ref).request({ type: 'host-destroy' }, { graceful: options.graceful === true });
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

  async getInfo(ref: DomainRef): Promise<DomainInfo> {
    const domain = this.#domains.get(ref);
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
    return this.#domains.xmlDesc(ref, options);
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
    const domain = this.#domains.get(ref);
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
    return this.#domains.get(ref).exclusive(async (run) => {
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
    return this.#domains.getAutostart(ref);
  }

  async setAutostart(ref: DomainRef, autostart: boolean): Promise<void> {
    await this.#domains.setAutostart(ref, autostart);
  }

  /** No managed save yet, so no domain ever has an image. */
  async hasManagedSave(ref: DomainRef): Promise<boolean> {
    this.#domains.get(ref);
    return false;
  }

  async getOsType(ref: DomainRef): Promise<string> {
    return this.#domains.get(ref).def.os.type;
  }

  /** qemuDomainGetVcpusFlags without the guest agent: the maximum or current count. */
  async getVcpusFlags(ref: DomainRef, options: VcpuCountOptions): Promise<number> {
    const domain = this.#domains.get(ref);
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
    this.#domains.get(ref);
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
    this.#domains.assertManaged(domain, 'QEMU');
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
}
