import {
  type DomainDef,
  type DomainEventPayload,
  type DomainRef,
  type DomainStatus,
  decide,
  type EventBus,
  formatDomainXml,
  NO_POLICY_FLAGS,
  type PolicyAction,
  type PolicyDecision,
  type PolicyInput,
  type PolicyState,
  VirtError,
} from '@virtkit/core';
import { killProcess } from './process/index.js';
import { type QemuRun, removeRunDirs } from './qemu-launch.js';
import { policyInputForEvent, type QmpCloseInfo, type QmpEvent } from './qmp/index.js';

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
  nextId(): number;
  saveStatus(name: string, status: DomainStatus): Promise<void>;
  deleteStatus(name: string): Promise<void>;
  /** The run ended: a transient domain is forgotten now. */
  stopped(domain: QemuDomain): void;
}

/** Options of the host request being carried out, for the actions that take any. */
interface RequestOptions {
  graceful?: boolean;
}

const SHUT_OFF: PolicyState = { state: 'shutoff', reason: 'unknown', flags: NO_POLICY_FLAGS, job: 'none' };

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
  #state: PolicyState = SHUT_OFF;
  #run: QemuRun | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** Counts runs, so that a late event or EOF of an ended run never reaches the next one. */
  #generation = 0;
  readonly #host: DomainHost;

  constructor(config: DomainDef, persistent: boolean, host: DomainHost) {
    this.config = config;
    this.persistent = persistent;
    this.#host = host;
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
    return this.#enqueue(() => this.#apply(input, options));
  }

  /** Runs `work` (a QMP command outside the policy, e.g. system_reset) in turn with decisions. */
  exclusive<T>(work: (run: QemuRun | undefined) => Promise<T>): Promise<T> {
    return this.#enqueue(() => work(this.#run));
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => {});
    return result;
  }

  /**
   * Queues what QEMU reported, for the run `generation` only. A failure carrying it out has no
   * caller to report to: the state stays as it was, and the next event or request goes on.
   */
  #fromQemu(generation: number, input: PolicyInput | undefined): void {
    if (!input) return;
    void this.#enqueue(async () => {
      if (generation === this.#generation) await this.#apply(input, {});
    }).catch(() => {});
  }

  async #apply(input: PolicyInput, options: RequestOptions): Promise<void> {
    const decision = decide(this.#state, input, this.def, { errorDomain: 'QEMU' });
    for (const action of decision.do) await this.#perform(action, decision, options);
    this.#state = { ...decision.next, job: this.#state.job };
    if (decision.next.state === 'shutoff') {
      if (this.#run) await this.#teardown();
    } else {
      await this.#saveStatus();
    }
    this.#emit(decision.emit);
  }

  async #perform(action: PolicyAction, decision: PolicyDecision, options: RequestOptions): Promise<void> {
    if (action === 'start') return this.#start(decision.next.state === 'running');
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
      case 'kill':
        // Destroy waits for the process (qemuProcessKill); a guest shutdown only signals it
        // (VIR_QEMU_PROCESS_KILL_NOWAIT) and the monitor's EOF finishes the stop.
        if (decision.next.state === 'shutoff') await killProcess(run.pid, { graceful: options.graceful });
        else signalTerm(run.pid);
        return;
      default:
        // guest-reboot needs the guest agent, restart a hypervisor without warm reset, dump a
        // dump target: none exists in this driver yet.
        throw new VirtError('OPERATION_UNSUPPORTED', `lifecycle action '${action}' is not supported yet`, {
          domain: 'QEMU',
        });
    }
  }

  async #start(runVcpus: boolean): Promise<void> {
    const id = this.#host.nextId();
    const live = { ...this.config, id };
    const generation = ++this.#generation;
    const run = await this.#host.launch(
      live,
      id,
      (event) => this.#fromQemu(generation, policyInputForEvent(event)),
      // Our own close comes with a teardown that has already stopped the domain.
      (info) => this.#fromQemu(generation, info.byClient ? undefined : { type: 'guest-gone' }),
    );
    try {
      if (runVcpus) await run.qmp.execute('cont');
    } catch (error) {
      await killProcess(run.pid, { termTimeoutMs: 2000 }).catch(() => {});
      await run.qmp.close();
      await removeRunDirs(run.dirs);
      throw error;
    }
    this.#run = run;
    this.#live = live;
    this.#id = id;
  }

  /**
   * The manager lets go of a running QEMU without stopping it (connection closed). Until
   * reconnect exists, nothing picks it up again: its status file is what a later one reads.
   */
  detach(): Promise<void> {
    return this.#enqueue(async () => {
      this.#generation++;
      await this.#run?.qmp.close();
    });
  }

  /** qemuProcessStop: the monitor closed, files gone, the domain inactive again. */
  async #teardown(): Promise<void> {
    const run = this.#run;
    this.#generation++;
    this.#run = undefined;
    this.#live = undefined;
    this.#id = -1;
    if (run) {
      await run.qmp.close();
      await removeRunDirs(run.dirs);
    }
    await this.#host.deleteStatus(this.config.name);
    this.#host.stopped(this);
  }

  async #saveStatus(): Promise<void> {
    const run = this.#run;
    if (!run) return;
    const { state, reason, flags } = this.#state;
    await this.#host.saveStatus(this.config.name, {
      pid: run.pid,
      monitorPath: run.monitorPath,
      state: { state, reason } as DomainStatus['state'],
      flags: { ...flags },
      liveXml: formatDomainXml(this.def),
    });
  }

  #emit(payloads: readonly DomainEventPayload[]): void {
    for (const payload of payloads) this.#host.events.emit({ ...payload, domain: this.ref });
  }
}

/** SIGTERM without waiting; a process already gone is what we wanted. */
function signalTerm(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
