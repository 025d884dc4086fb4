import {
  type DomainDef,
  type DomainRef,
  DomainRuntime,
  type DomainStatus,
  decide,
  type EventBus,
  errnoCode,
  type PolicyAction,
  type PolicyInput,
  type PolicyState,
  SHUT_OFF_STATE,
  savedPolicyState,
  VirtError,
} from '@virtkit/core';
import { ContainerCgroup } from './cgroup/index.js';
import type { CgroupPlacement, ExitMessage, VethEnd } from './controller/protocol.js';
import {
  type ContainerRun,
  discardRun,
  type RunHandlers,
  type RunRemains,
} from './controller-client/index.js';
import { validateForStart } from './define/index.js';
import { setContainerRunlevel } from './initctl.js';

/** What a domain needs from its connection to start, persist and report. */
export interface LxcDomainHost {
  readonly events: EventBus;
  /** Starts a controller for the live definition; resolves once init runs. */
  launch(def: DomainDef, handlers: RunHandlers): Promise<ContainerRun>;
  /** Connects to the controller a previous manager left running. */
  reattach(pid: number, runDir: string, handlers: RunHandlers): Promise<ContainerRun>;
  saveStatus(name: string, status: DomainStatus): Promise<void>;
  deleteStatus(name: string): Promise<void>;
  /** The run ended: a transient domain is forgotten now. */
  stopped(domain: LxcDomain): void;
}

/** What the status file keeps beside core's fields, for a later manager. */
export interface LxcDriverData {
  runDir: string;
  initPid?: number;
  cgroup?: CgroupPlacement;
  veths?: readonly VethEnd[];
}

/** A run a previous manager left, as its status file describes it. */
export interface SavedRun {
  live: DomainDef;
  status: DomainStatus;
  /** The run directory: the status's, or where a run of this name goes. */
  runDir: string;
  /** Whether the status's pid is still this container's controller. */
  controllerAlive: boolean;
  /** The exit message the controller left when it ended unwatched, if any. */
  exit: ExitMessage | undefined;
}

/** Options of the host request being carried out, for the actions that take any. */
export interface RequestOptions {
  /** A power-down or reboot may signal init when no initctl FIFO answers. */
  signalFallback?: boolean;
  /** The request's mode: initctl is tried first unless only a signal was asked for. */
  mode?: 'initctl' | 'signal';
}

const POLICY_OPTIONS = { errorDomain: 'LXC', shutdownNeedsRunning: false } as const;

const lxcError = (code: 'OPERATION_INVALID' | 'OPERATION_UNSUPPORTED' | 'OPERATION_FAILED', detail: string) =>
  new VirtError(code, detail, { domain: 'LXC' });

/** The controller's end of a run as a policy input (virLXCProcessMonitorExitNotify / EOFNotify). */
export function exitInput(exit: ExitMessage | undefined): PolicyInput {
  if (exit?.reason === 'reboot') return { type: 'guest-gone', reboot: true };
  if (exit?.reason === 'shutdown') return { type: 'guest-gone', expected: true };
  return { type: 'guest-gone' };
}

/**
 * One domain of an LXC connection. Every change of state goes through core's decide(): host
 * requests and the controller's reports are queued and decided one at a time, in arrival order;
 * this class only carries out the decision's actions, saves its state and emits its events.
 */
export class LxcDomain {
  /** The definition a next start uses. */
  config: DomainDef;
  persistent: boolean;
  #live: DomainDef | undefined;
  #state: PolicyState = SHUT_OFF_STATE;
  #run: ContainerRun | undefined;
  /** What a reattached run whose controller is gone left behind, for its teardown. */
  #remains: RunRemains | undefined;
  /** Counts runs, so that a late report of an ended run never reaches the next one. */
  #generation = 0;
  readonly #host: LxcDomainHost;
  readonly #runtime: DomainRuntime;

  constructor(config: DomainDef, persistent: boolean, host: LxcDomainHost) {
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
    return { name: this.config.name, uuid: this.config.uuid, id: this.id };
  }

  /** The controller's pid while active (libvirt: vm->def->id = vm->pid), else -1. */
  get id(): number {
    return this.#live?.id ?? -1;
  }

  get active(): boolean {
    return this.#state.state !== 'shutoff';
  }

  get run(): ContainerRun | undefined {
    return this.#run;
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

  /** Runs `work` in turn with decisions (a read that must not see a run half torn down). */
  exclusive<T>(work: (run: ContainerRun | undefined) => Promise<T>): Promise<T> {
    return this.#runtime.enqueue(() => work(this.#run));
  }

  /** The controller's reports for run `generation`; a failure has no caller and is dropped. */
  #handlers(generation: number): RunHandlers {
    return {
      onExit: (exit) => {
        this.#runtime.report(async () => {
          if (generation === this.#generation) await this.#apply(exitInput(exit), {});
        });
      },
    };
  }

  async #apply(input: PolicyInput, options: RequestOptions): Promise<void> {
    const decision = decide(this.#state, input, this.def, POLICY_OPTIONS);
    try {
      for (const action of decision.do) await this.#perform(action, options);
    } catch (error) {
      // virLXCProcessReboot failing stops the domain: what the old run left goes, it is shut off.
      if (decision.do.includes('restart') && this.active) {
        await this.#apply({ type: 'guest-gone' }, {});
        return;
      }
      throw error;
    }
    const next: PolicyState = { ...decision.next, job: this.#state.job };
    if (next.state === 'shutoff') {
      // Torn down before it reads shut off: nobody sees it stopped with its controller, cgroup
      // or status file still there (virLXCProcessStop).
      if (this.active) await this.#teardown();
      this.#state = next;
    } else {
      this.#state = next;
      await this.#saveStatus();
    }
    this.#runtime.emit(decision.emit);
  }

  async #perform(action: PolicyAction, options: RequestOptions): Promise<void> {
    switch (action) {
      case 'start':
        return this.#start();
      case 'restart':
        return this.#restart();
      case 'kill':
        return this.#kill();
      case 'pause':
        return (await this.#cgroup()).freeze();
      case 'continue':
        return (await this.#cgroup()).thaw();
      case 'power-down':
        return this.#askInit(0, 'SIGTERM', options);
      case 'guest-reboot':
        return this.#askInit(6, 'SIGHUP', options);
      default:
        throw lxcError('OPERATION_UNSUPPORTED', `lifecycle action '${action}' is not supported`);
    }
  }

  /** virLXCProcessStart with the definition the start uses: its live copy gets the controller's pid as id. */
  async #start(): Promise<void> {
    const def = this.#live ? { ...this.#live, id: undefined } : { ...this.config, id: undefined };
    validateForStart(def);
    const generation = ++this.#generation;
    const run = await this.#host.launch(def, this.#handlers(generation));
    this.#run = run;
    this.#remains = undefined;
    this.#live = { ...def, id: run.pid };
  }

  /**
   * virLXCProcessReboot: what is left of the old run goes, and a new controller starts with the
   * same live definition (libvirt keeps def, not newDef).
   */
  async #restart(): Promise<void> {
    await this.#discard();
    await this.#start();
  }

  /** Destroy (virLXCProcessStop with SIGKILL to the cgroup): every process gone, then the controller. */
  async #kill(): Promise<void> {
    const run = this.#run;
    if (!run) return;
    if (run.cgroup) await ContainerCgroup.at(run.cgroup).killAll();
    else process.kill(run.pid, 'SIGTERM');
  }

  /** lxcDomainShutdownFlags / lxcDomainReboot: the initctl FIFO first, else a signal to init. */
  async #askInit(runlevel: 0 | 6, signal: NodeJS.Signals, options: RequestOptions): Promise<void> {
    const initPid = this.#run?.initPid;
    if (initPid === undefined) throw lxcError('OPERATION_INVALID', 'Init process ID is not yet known');
    if (options.mode !== 'signal') {
      if (await setContainerRunlevel(initPid, runlevel)) return;
      if (!options.signalFallback) {
        throw lxcError('OPERATION_UNSUPPORTED', 'Container does not provide an initctl pipe');
      }
    }
    try {
      process.kill(initPid, signal);
    } catch (error) {
      if (errnoCode(error) !== 'ESRCH') {
        throw new VirtError('SYSTEM_ERROR', `Failed to send ${signal} to init pid ${initPid}`, {
          domain: 'LXC',
        });
      }
    }
  }

  async #cgroup(): Promise<ContainerCgroup> {
    const placement = this.#run?.cgroup;
    if (!placement) throw lxcError('OPERATION_FAILED', 'Unable to get cgroup for the container');
    return ContainerCgroup.at(placement);
  }

  /**
   * Takes over a run a previous manager left (virLXCProcessReconnectDomain): the state its status
   * file saved, then what happened meanwhile fed to the policy: an end the controller recorded
   * (so a reboot restarts, a shutdown stops), a controller gone without a word (crashed), or a
   * freezer that disagrees with the saved state.
   */
  reattach(saved: SavedRun): Promise<void> {
    return this.#runtime.enqueue(async () => {
      const { live, status, runDir } = saved;
      const data = (status.driverData ?? {}) as Partial<LxcDriverData>;
      const generation = ++this.#generation;
      this.#live = live;
      this.#state = savedPolicyState(status);
      this.#remains = { pid: status.pid, runDir, cgroup: data.cgroup, veths: data.veths ?? [] };
      let missed: PolicyInput[] = [exitInput(saved.exit)];
      if (saved.controllerAlive) {
        try {
          this.#run = await this.#host.reattach(status.pid, runDir, this.#handlers(generation));
          this.#run.initPid ??= data.initPid;
          this.#run.cgroup ??= data.cgroup;
          if (this.#run.veths.length === 0) this.#run.veths = data.veths ?? [];
          missed = await this.#freezerDifference();
        } catch {
          // A controller we cannot talk to must not run on unwatched: the teardown kills it.
          this.#run = undefined;
          missed = [{ type: 'guest-gone' }];
        }
      }
      for (const input of missed) await this.#apply(input, {});
    });
  }

  /** A frozen cgroup is a paused container, whatever the status file says. */
  async #freezerDifference(): Promise<PolicyInput[]> {
    const placement = this.#run?.cgroup;
    if (!placement) return [];
    const frozen = await ContainerCgroup.at(placement).frozen();
    if (frozen && this.#state.state === 'running') return [{ type: 'guest-stopped' }];
    if (!frozen && this.#state.state === 'paused') return [{ type: 'guest-resumed' }];
    return [];
  }

  /** The manager lets go of a running container without stopping it: its status file stays. */
  detach(): Promise<void> {
    return this.#runtime.enqueue(async () => {
      this.#generation++;
      await this.#run?.monitor.close();
    });
  }

  /** Ends what is left of the current run: controller, processes, cgroup, veths, run directory. */
  async #discard(): Promise<void> {
    const run = this.#run;
    const remains: RunRemains | undefined = run
      ? { pid: run.pid, runDir: run.runDir, cgroup: run.cgroup, veths: run.veths }
      : this.#remains;
    this.#generation++;
    this.#run = undefined;
    this.#remains = undefined;
    await run?.monitor.close();
    if (remains) await discardRun(remains);
  }

  /** virLXCProcessStop's cleanup: nothing of the run left, the domain inactive again. */
  async #teardown(): Promise<void> {
    await this.#discard();
    this.#live = undefined;
    await this.#host.deleteStatus(this.config.name);
    this.#host.stopped(this);
  }

  async #saveStatus(): Promise<void> {
    const run = this.#run;
    if (!run) return;
    const { state, reason, flags } = this.#state;
    const driverData: LxcDriverData = {
      runDir: run.runDir,
      ...(run.initPid === undefined ? {} : { initPid: run.initPid }),
      ...(run.cgroup === undefined ? {} : { cgroup: run.cgroup }),
      veths: run.veths,
    };
    await this.#runtime.saveStatus(run, this.config.name, {
      pid: run.pid,
      monitorPath: run.monitorPath,
      state: { state, reason } as DomainStatus['state'],
      flags: { ...flags },
      liveXml: this.#runtime.liveXml(this.def),
      driverData: driverData as unknown as Record<string, unknown>,
    });
  }
}
