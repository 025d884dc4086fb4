import {
  type AsyncJobKind,
  type DomainDef,
  type DomainEventPayload,
  type DomainRef,
  DomainRuntime,
  type DomainStatus,
  decide,
  type EventBus,
  type PolicyAction,
  type PolicyDecision,
  type PolicyInput,
  type PolicyState,
  SHUT_OFF_STATE,
  savedPolicyState,
  VirtError,
} from '@virtkit/core';
import { autoDumpPath, dumpGuestMemory } from './auto-dump.js';
import { killProcess, signalProcess } from './process/index.js';
import { type QemuRun, removeRunDirs } from './qemu-launch.js';
import {
  isQmpEvent,
  missedEvents,
  policyInputForEvent,
  type QmpCloseInfo,
  type QmpEvent,
} from './qmp/index.js';

/** What a domain needs from its connection to start, persist and report. */
export interface DomainHost {
  readonly events: EventBus;
  /** Launches QEMU for the domain's live definition under `id`, reporting into the callbacks. */
  launch(
    def: DomainDef,
    id: number,
    onEvent: (event: QmpEvent) => void,
    onClose: (info: QmpCloseInfo) => void,
  ): Promise<QemuRun>;
  /** Connects to the monitor of a run that a previous manager left running. */
  reattach(
    run: { name: string; id: number; pid: number; monitorPath: string },
    onEvent: (event: QmpEvent) => void,
    onClose: (info: QmpCloseInfo) => void,
  ): Promise<QemuRun>;
  /** The private directories of run `id`, for a run whose QEMU is gone. */
  runDirs(id: number, name: string): readonly string[];
  nextId(): number;
  /** Where on_crash=coredump-* writes its dumps (libvirt's auto_dump_path). */
  readonly autoDumpDir: string;
  saveStatus(name: string, status: DomainStatus): Promise<void>;
  deleteStatus(name: string): Promise<void>;
  /** The run ended: a transient domain is forgotten now. */
  stopped(domain: QemuDomain): void;
}

/** A run a previous manager left, as its status file describes it. */
export interface SavedRun {
  id: number;
  /** The running definition, from the status file. */
  live: DomainDef;
  status: DomainStatus;
  /** The monitor socket, when the status's pid is still our QEMU (isQemuWithMonitor). */
  monitorPath: string | undefined;
}

/** Options of the host request being carried out, for the actions that take any. */
interface RequestOptions {
  graceful?: boolean;
}

/** An async job holding the domain, and how to let go of its lock. */
interface HeldAsyncJob {
  kind: AsyncJobKind;
  release(): void;
}

const POLICY_OPTIONS = { errorDomain: 'QEMU', startsPaused: true } as const;

/**
 * One domain of a QEMU connection. Every change of state goes through core's decide(): host
 * requests and QEMU's events alike are queued and decided one at a time, in arrival order;
 * this class only carries out the decision's actions, saves its state and emits its events.
 */
export class QemuDomain {
  /** The definition a next start uses (libvirt's newDef when running, def otherwise). */
  config: DomainDef;
  persistent: boolean;
  #live: DomainDef | undefined;
  #id = -1;
  #state: PolicyState = SHUT_OFF_STATE;
  #run: QemuRun | undefined;
  #asyncJob: HeldAsyncJob | undefined;
  /** Counts runs, so that a late event or EOF of an ended run never reaches the next one. */
  #generation = 0;
  /** QEMU's reports queued for a decision, oldest first. */
  #fromQemuPending: { generation: number; input: PolicyInput }[] = [];
  readonly #host: DomainHost;
  readonly #runtime: DomainRuntime;

  constructor(config: DomainDef, persistent: boolean, host: DomainHost) {
    this.config = config;
    this.persistent = persistent;
    this.#host = host;
    this.#runtime = new DomainRuntime({
      events: host.events,
      ref: () => this.ref,
      saveStatus: (name, status) => host.saveStatus(name, status),
    });
  }

  get ref(): DomainRef {
    return { name: this.config.name, uuid: this.config.uuid, id: this.#id };
  }

  get id(): number {
    return this.#id;
  }

  get pid(): number | undefined {
    return this.#run?.pid;
  }

  get active(): boolean {
    return this.#run !== undefined;
  }

  get state(): PolicyState {
    return this.#state;
  }

  /** The running definition while active, else the persistent one. */
  get def(): DomainDef {
    return this.#live ?? this.config;
  }

  /** Carries out a host request through the policy; a refusal rejects with its VirtError. */
  request(input: PolicyInput, options: RequestOptions = {}): Promise<void> {
    return this.#runtime.enqueue(() => this.#apply(input, options));
  }

  /** Runs `work` (a QMP command outside the policy, e.g. system_reset) in turn with decisions. */
  exclusive<T>(work: (run: QemuRun | undefined) => Promise<T>): Promise<T> {
    return this.#runtime.enqueue(() => work(this.#run));
  }

  /**
   * An async job (backup, …) begins on the running domain: while it holds it, a guest
   * power-off leaves QEMU alive `in shutdown` until endAsyncJob. Saved in the status file.
   */
  beginAsyncJob(job: HeldAsyncJob): Promise<void> {
    return this.#runtime.enqueue(async () => {
      if (!this.#run) throw new VirtError('OPERATION_INVALID', 'domain is not running', { domain: 'QEMU' });
      this.#asyncJob = job;
      this.#state = { ...this.#state, job: job.kind };
      await this.#saveStatus();
    });
  }

  /** The async job `job` ended: a shutdown it kept waiting is finished now (job-ended). */
  endAsyncJob(job: HeldAsyncJob): Promise<void> {
    return this.#runtime.enqueue(async () => {
      if (this.#asyncJob !== job) return;
      this.#releaseAsyncJob();
      await this.#apply({ type: 'job-ended' }, {});
    });
  }

  #releaseAsyncJob(): void {
    this.#asyncJob?.release();
    this.#asyncJob = undefined;
    this.#state = { ...this.#state, job: 'none' };
  }

  /**
   * Queues what QEMU reported, for the run `generation` only. A failure carrying it out has no
   * caller to report to: the state stays as it was, and the next event or request goes on.
   */
  #fromQemu(generation: number, input: PolicyInput | undefined): void {
    if (!input) return;
    const entry = { generation, input };
    this.#fromQemuPending.push(entry);
    this.#runtime.report(async () => {
      const index = this.#fromQemuPending.indexOf(entry);
      // Already taken by a stop that decided it (#lastWords).
      if (index < 0) return;
      this.#fromQemuPending.splice(index, 1);
      if (generation === this.#generation) await this.#apply(input, {});
    });
  }

  /**
   * What QEMU reported while a destroy was carried out (its SIGTERM makes QEMU report SHUTDOWN
   * before it exits), decided in order against the state it found, for the events they raise.
   */
  #lastWords(): DomainEventPayload[] {
    const emitted: DomainEventPayload[] = [];
    let state = this.#state;
    for (const { generation, input } of this.#fromQemuPending.splice(0)) {
      if (generation !== this.#generation || input.type === 'guest-gone') continue;
      const decision = decide(state, input, this.def, POLICY_OPTIONS);
      state = { ...decision.next, job: state.job };
      emitted.push(...decision.emit);
    }
    return emitted;
  }

  async #apply(input: PolicyInput, options: RequestOptions): Promise<void> {
    const decision = decide(this.#state, input, this.def, POLICY_OPTIONS);
    let emitted = 0;
    if (decision.interim) {
      this.#state = { ...decision.interim.next, job: this.#state.job };
      await this.#saveStatus();
      emitted = decision.interim.emitted;
      this.#runtime.emit(decision.emit.slice(0, emitted));
    }
    try {
      for (const action of decision.do) await this.#perform(action, decision, options);
    } catch (error) {
      if (decision.do.includes('start')) await this.#abandonStart();
      throw error;
    }
    const wasActive = this.#state.state !== 'shutoff';
    const next: PolicyState = { ...decision.next, job: this.#state.job };
    if (decision.next.state === 'shutoff') {
      // Torn down before it reads shut off, as libvirt holds the domain through qemuProcessStop:
      // nobody sees it stopped with its status file or run directories still there. A
      // reattached run whose QEMU is gone was active without a run: it is torn down too.
      if (wasActive) {
        // A destroy waits for QEMU to die without holding the domain (libvirt releases its lock
        // in qemuProcessKill), so what QEMU said meanwhile is handled; other stops ignore it.
        if (input.type === 'host-destroy') this.#runtime.emit(this.#lastWords());
        await this.#teardown();
      }
      this.#state = next;
    } else {
      this.#state = next;
      await this.#saveStatus();
    }
    this.#runtime.emit(decision.emit.slice(emitted));
  }

  async #perform(action: PolicyAction, decision: PolicyDecision, options: RequestOptions): Promise<void> {
    if (action === 'start') return this.#start();
    const run = this.#run;
    if (!run) throw new VirtError('OPERATION_INVALID', 'domain is not running', { domain: 'QEMU' });
    switch (action) {
      case 'reset':
        await run.qmp.execute('system_reset');
        return;
      case 'continue':
        await run.qmp.execute('cont');
        return;
      case 'pause':
        await run.qmp.execute('stop');
        return;
      case 'power-down':
        await run.qmp.execute('system_powerdown');
        return;
      case 'dump':
        // doCoreDumpToAutoDumpPath: memory only, named after the run and the time of the crash.
        await dumpGuestMemory(run.qmp, autoDumpPath(this.#host.autoDumpDir, this.#id, this.config.name));
        return;
      case 'kill':
        // Destroy waits for the process (qemuProcessKill); a guest shutdown only signals it
        // (VIR_QEMU_PROCESS_KILL_NOWAIT) and the monitor's EOF finishes the stop.
        if (decision.next.state === 'shutoff') await killProcess(run.pid, { graceful: options.graceful });
        else signalProcess(run.pid, 'SIGTERM');
        return;
      default:
        // guest-reboot needs the guest agent, restart a hypervisor without warm reset.
        throw new VirtError('OPERATION_UNSUPPORTED', `lifecycle action '${action}' is not supported yet`, {
          domain: 'QEMU',
        });
    }
  }

  /** Launches QEMU with its vCPUs stopped (-S); the policy's `continue` starts them. */
  async #start(): Promise<void> {
    const id = this.#host.nextId();
    const live = { ...this.config, id };
    const generation = ++this.#generation;
    this.#run = await this.#host.launch(live, id, ...this.#qemuHandlers(generation));
    this.#live = live;
    this.#id = id;
  }

  /** A start that failed after launching (e.g. its `cont`): no process or directory stays behind. */
  async #abandonStart(): Promise<void> {
    const run = this.#run;
    if (!run) return;
    this.#generation++;
    this.#run = undefined;
    this.#live = undefined;
    this.#id = -1;
    await killProcess(run.pid, { termTimeoutMs: 2000 }).catch(() => {});
    await run.qmp.close();
    await removeRunDirs(run.dirs);
  }

  /** What QEMU reports on run `generation`, fed to the policy: the same for a start and a reattach. */
  #qemuHandlers(
    generation: number,
  ): [onEvent: (event: QmpEvent) => void, onClose: (info: QmpCloseInfo) => void] {
    return [
      (event) => {
        // libvirt handles STOP at once but a panic in a worker thread, so a QEMU that pauses
        // on panic reads suspended(paused) before crashed(panicked).
        if (isQmpEvent(event, 'GUEST_PANICKED') && event.data.action === 'pause') {
          this.#fromQemu(generation, { type: 'guest-stopped' });
        }
        this.#fromQemu(generation, policyInputForEvent(event));
      },
      // Our own close comes with a teardown that has already stopped the domain.
      (info) => this.#fromQemu(generation, info.byClient ? undefined : { type: 'guest-gone' }),
    ];
  }

  /**
   * Takes over a run a previous manager left (qemuProcessReconnect): the state its status file
   * saved, then what QEMU reports now, fed to the policy as the events that were missed while
   * nobody watched. A QEMU that is gone (or no longer ours) is a guest-gone: shut off (crashed).
   */
  reattach(saved: SavedRun): Promise<void> {
    return this.#runtime.enqueue(async () => {
      const { id, live, status, monitorPath } = saved;
      const generation = ++this.#generation;
      this.#id = id;
      this.#live = live;
      this.#state = savedPolicyState(status);
      let missed: PolicyInput[] = [{ type: 'guest-gone' }];
      if (monitorPath !== undefined) {
        const { pid } = status;
        try {
          this.#run = await this.#host.reattach(
            { name: live.name, id, pid, monitorPath },
            ...this.#qemuHandlers(generation),
          );
          missed = missedEvents(this.#state, await this.#run.qmp.execute('query-status'));
        } catch {
          // A QEMU we cannot talk to must not run on unwatched, or a next start would run the
          // guest twice on the same disks (qemuProcessReconnect kills it too).
          await killProcess(pid, { termTimeoutMs: 2000 }).catch(() => {});
        }
      }
      for (const input of missed) await this.#apply(input, {});
      // qemuProcessRecoverJob cancels a saved backup or migration: the job is over, and a
      // shutdown it kept waiting is finished now.
      if (status.job?.asyncJob !== undefined && this.active) await this.#apply({ type: 'job-ended' }, {});
    });
  }

  /**
   * The manager lets go of a running QEMU without stopping it (connection closed): its status
   * file is what the next manager reattaches from.
   */
  detach(): Promise<void> {
    return this.#runtime.enqueue(async () => {
      this.#generation++;
      await this.#run?.qmp.close();
    });
  }

  /** qemuProcessStop: the monitor closed, files gone, the domain inactive again. */
  async #teardown(): Promise<void> {
    const run = this.#run;
    const dirs = run?.dirs ?? this.#host.runDirs(this.#id, this.config.name);
    this.#generation++;
    this.#run = undefined;
    this.#live = undefined;
    this.#id = -1;
    // A destroy beside an async job ends it with the process (qemuProcessStop).
    this.#releaseAsyncJob();
    await run?.qmp.close();
    await removeRunDirs(dirs);
    await this.#host.deleteStatus(this.config.name);
    this.#host.stopped(this);
  }

  /** Saves the run's status (only when it changed: a fake reboot alone passes five QEMU events). */
  async #saveStatus(): Promise<void> {
    const run = this.#run;
    if (!run) return;
    const { state, reason, flags } = this.#state;
    const status: DomainStatus = {
      pid: run.pid,
      monitorPath: run.monitorPath,
      state: { state, reason } as DomainStatus['state'],
      flags: { ...flags },
      ...(this.#asyncJob ? { job: { asyncJob: this.#asyncJob.kind } } : {}),
      liveXml: this.#runtime.liveXml(this.def),
    };
    await this.#runtime.saveStatus(run, this.config.name, status);
  }
}
