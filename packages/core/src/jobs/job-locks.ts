import { VirtError } from '../errors/index.js';
import { type AsyncJobKind, DEFAULT_ASYNC_ALLOWED, isTrackedJob, type JobKind } from './job-kinds.js';

/** libvirt gives up waiting for a domain's job after 30 seconds (VIR_JOB_WAIT_TIME). */
export const DEFAULT_JOB_WAIT_MS = 30_000;

export interface JobLocksOptions {
  /** How long acquire waits before failing with OPERATION_TIMEOUT; libvirt's 30 s by default. */
  waitTimeoutMs?: number;
  /** libvirt's max_queued: fail at once when more jobs than this are queued or running; 0 = no limit. */
  maxQueuedJobs?: number;
  /** Called after an async job ends, so the driver can feed `job-ended` to the lifecycle policy. */
  onAsyncJobEnded?: (domainKey: string, kind: AsyncJobKind) => void;
}

export interface AcquireOptions {
  /** Who takes the job (libvirt names the API, e.g. `remoteDispatchDomainShutdown`); shown to waiters that time out. */
  owner?: string;
  timeoutMs?: number;
}

/** A held synchronous job. release() is idempotent. */
export interface Job {
  readonly kind: JobKind | 'nested';
  readonly owner: string | undefined;
  readonly startedAt: number;
  release(): void;
}

/** A held async job: runs its own steps as nested jobs and says which other jobs may run meanwhile. */
export interface AsyncJob {
  readonly kind: AsyncJobKind;
  readonly owner: string | undefined;
  readonly startedAt: number;
  readonly phase: string | undefined;
  /** Which jobs others may start while this one runs; `destroy` is always allowed. */
  allow(kinds: readonly JobKind[]): void;
  setPhase(phase: string): void;
  /** A step of this async job: waits only for the synchronous job slot, ignoring the allowed list. */
  nested(options?: AcquireOptions): Promise<Job>;
  release(): void;
}

/** What holds a domain right now. */
export interface JobSnapshot {
  job?: { kind: JobKind | 'nested'; owner: string | undefined; startedAt: number };
  asyncJob?: {
    kind: AsyncJobKind;
    owner: string | undefined;
    startedAt: number;
    phase: string | undefined;
    allowed: readonly JobKind[];
  };
}

/** The part of a domain's jobs a status file records (libvirt tracks destroy and async jobs only). */
export interface TrackedJob {
  job?: JobKind;
  asyncJob?: AsyncJobKind;
  phase?: string;
}

type Request =
  | { type: 'sync'; kind: JobKind }
  | { type: 'nested'; holder: AsyncHolder }
  | { type: 'async'; kind: AsyncJobKind };

interface SyncHolder {
  kind: JobKind | 'nested';
  owner: string | undefined;
  startedAt: number;
}

interface AsyncHolder {
  kind: AsyncJobKind;
  owner: string | undefined;
  startedAt: number;
  phase: string | undefined;
  allowed: Set<JobKind>;
  ended: boolean;
}

interface Waiter {
  request: Request;
  grant: () => void;
  /** Gives up waiting with `error`. */
  fail: (error: VirtError) => void;
}

interface DomainJobs {
  active?: SyncHolder;
  async?: AsyncHolder;
  /** Running plus waiting jobs, as libvirt's jobsQueued counts them. */
  queued: number;
  waiters: Waiter[];
}

/**
 * Per-domain job locks with libvirt's rules (virdomainjob.c): one synchronous
 * job at a time; while an async job runs, other callers may only start the
 * jobs it allows, and its own steps run as nested jobs. Waiters are served in
 * arrival order whenever the holder changes; each gives up after its timeout.
 */
export class JobLocks {
  readonly #domains = new Map<string, DomainJobs>();
  readonly #waitTimeoutMs: number;
  readonly #maxQueuedJobs: number;
  readonly #onAsyncJobEnded: JobLocksOptions['onAsyncJobEnded'];

  constructor(options: JobLocksOptions = {}) {
    this.#waitTimeoutMs = options.waitTimeoutMs ?? DEFAULT_JOB_WAIT_MS;
    this.#maxQueuedJobs = options.maxQueuedJobs ?? 0;
    this.#onAsyncJobEnded = options.onAsyncJobEnded;
  }

  /** Begins a synchronous job on the domain, waiting for the current holder if needed. */
  acquire(domainKey: string, kind: JobKind, options: AcquireOptions = {}): Promise<Job> {
    return this.#begin(domainKey, { type: 'sync', kind }, options).then((jobs) =>
      this.#syncHandle(domainKey, jobs),
    );
  }

  /** Begins a synchronous job only if the domain is free for it now (libvirt's BeginJobNowait). */
  tryAcquire(domainKey: string, kind: JobKind, owner?: string): Job | undefined {
    const jobs = this.#domain(domainKey);
    if (!canStart(jobs, { type: 'sync', kind })) {
      this.#forgetIfIdle(domainKey, jobs);
      return undefined;
    }
    jobs.queued++;
    start(jobs, { type: 'sync', kind }, owner);
    return this.#syncHandle(domainKey, jobs);
  }

  /** Begins an async job: waits until the domain has neither a synchronous nor an async job. */
  async acquireAsync(domainKey: string, kind: AsyncJobKind, options: AcquireOptions = {}): Promise<AsyncJob> {
    const jobs = await this.#begin(domainKey, { type: 'async', kind }, options);
    const holder = jobs.async as AsyncHolder;
    return {
      kind,
      owner: holder.owner,
      startedAt: holder.startedAt,
      get phase() {
        return holder.phase;
      },
      allow: (kinds) => {
        holder.allowed = new Set([...kinds, 'destroy']);
        this.#wake(domainKey, jobs);
      },
      setPhase: (phase) => {
        holder.phase = phase;
      },
      nested: async (nestedOptions = {}) => {
        if (holder.ended) throw asyncJobEnded(kind);
        await this.#begin(domainKey, { type: 'nested', holder }, nestedOptions);
        return this.#syncHandle(domainKey, jobs);
      },
      release: () => {
        if (holder.ended) return;
        holder.ended = true;
        jobs.async = undefined;
        jobs.queued--;
        // Its own steps still waiting can never start now.
        const orphans = jobs.waiters.filter(
          (w) => w.request.type === 'nested' && w.request.holder === holder,
        );
        for (const waiter of orphans) waiter.fail(asyncJobEnded(kind));
        this.#wake(domainKey, jobs);
        this.#onAsyncJobEnded?.(domainKey, kind);
      },
    };
  }

  /** What holds the domain, or undefined when nothing does (the lifecycle policy's "does a job hold it"). */
  current(domainKey: string): JobSnapshot | undefined {
    const jobs = this.#domains.get(domainKey);
    if (!jobs?.active && !jobs?.async) return undefined;
    const snapshot: JobSnapshot = {};
    if (jobs.active) snapshot.job = { ...jobs.active };
    if (jobs.async) {
      const { kind, owner, startedAt, phase, allowed } = jobs.async;
      snapshot.asyncJob = { kind, owner, startedAt, phase, allowed: [...allowed] };
    }
    return snapshot;
  }

  /** The jobs a status file should record for the domain, or undefined when there are none. */
  tracked(domainKey: string): TrackedJob | undefined {
    const jobs = this.#domains.get(domainKey);
    const tracked: TrackedJob = {};
    if (jobs?.active && jobs.active.kind !== 'nested' && isTrackedJob(jobs.active.kind))
      tracked.job = jobs.active.kind;
    if (jobs?.async) {
      tracked.asyncJob = jobs.async.kind;
      if (jobs.async.phase !== undefined) tracked.phase = jobs.async.phase;
    }
    return tracked.job || tracked.asyncJob ? tracked : undefined;
  }

  #begin(domainKey: string, request: Request, options: AcquireOptions): Promise<DomainJobs> {
    const jobs = this.#domain(domainKey);
    jobs.queued++;
    const limited = request.type === 'nested' || (request.type === 'sync' && request.kind !== 'destroy');
    if (limited && this.#maxQueuedJobs > 0 && jobs.queued > this.#maxQueuedJobs) {
      const error = lockError('OPERATION_FAILED', blocker(jobs, request), ' due to max_queued limit');
      this.#giveUp(domainKey, jobs);
      return Promise.reject(error);
    }
    if (canStart(jobs, request)) {
      start(jobs, request, options.owner);
      return Promise.resolve(jobs);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => waiter.fail(lockError('OPERATION_TIMEOUT', blocker(jobs, request), '')),
        options.timeoutMs ?? this.#waitTimeoutMs,
      );
      const waiter: Waiter = {
        request,
        grant: () => {
          clearTimeout(timer);
          start(jobs, request, options.owner);
          resolve(jobs);
        },
        fail: (error) => {
          clearTimeout(timer);
          jobs.waiters.splice(jobs.waiters.indexOf(waiter), 1);
          this.#giveUp(domainKey, jobs);
          reject(error);
        },
      };
      jobs.waiters.push(waiter);
    });
  }

  #syncHandle(domainKey: string, jobs: DomainJobs): Job {
    const holder = jobs.active as SyncHolder;
    return {
      kind: holder.kind,
      owner: holder.owner,
      startedAt: holder.startedAt,
      release: () => {
        if (jobs.active !== holder) return;
        jobs.active = undefined;
        jobs.queued--;
        this.#wake(domainKey, jobs);
      },
    };
  }

  /** Serves every waiter that may start now, oldest first, as libvirt's condition broadcast would. */
  #wake(domainKey: string, jobs: DomainJobs): void {
    for (const waiter of [...jobs.waiters]) {
      if (!canStart(jobs, waiter.request)) continue;
      jobs.waiters.splice(jobs.waiters.indexOf(waiter), 1);
      waiter.grant();
    }
    this.#forgetIfIdle(domainKey, jobs);
  }

  #giveUp(domainKey: string, jobs: DomainJobs): void {
    jobs.queued--;
    this.#forgetIfIdle(domainKey, jobs);
  }

  #domain(domainKey: string): DomainJobs {
    let jobs = this.#domains.get(domainKey);
    if (!jobs) {
      jobs = { queued: 0, waiters: [] };
      this.#domains.set(domainKey, jobs);
    }
    return jobs;
  }

  /** Drops a domain's entry once nothing holds or waits for it, so the map does not grow forever. */
  #forgetIfIdle(domainKey: string, jobs: DomainJobs): void {
    if (jobs.queued === 0 && this.#domains.get(domainKey) === jobs) this.#domains.delete(domainKey);
  }
}

function canStart(jobs: DomainJobs, request: Request): boolean {
  if (jobs.active) return false;
  switch (request.type) {
    case 'sync':
      return canStartBesideAsync(jobs, request.kind);
    case 'nested':
      return jobs.async === request.holder;
    case 'async':
      return !jobs.async;
  }
}

function start(jobs: DomainJobs, request: Request, owner: string | undefined): void {
  const startedAt = Date.now();
  if (request.type === 'async') {
    jobs.async = {
      kind: request.kind,
      owner,
      startedAt,
      phase: undefined,
      allowed: new Set(DEFAULT_ASYNC_ALLOWED),
      ended: false,
    };
  } else {
    jobs.active = { kind: request.type === 'sync' ? request.kind : 'nested', owner, startedAt };
  }
}

/** Names the API that is in the way: the async job's owner when it forbids this job, else the current job's. */
function blocker(jobs: DomainJobs, request: Request): string | undefined {
  const asyncForbids =
    request.type === 'sync' ? !canStartBesideAsync(jobs, request.kind) : request.type === 'async';
  return asyncForbids && jobs.async ? jobs.async.owner : jobs.active?.owner;
}

function canStartBesideAsync(jobs: DomainJobs, kind: JobKind): boolean {
  return !jobs.async || jobs.async.allowed.has(kind);
}

function asyncJobEnded(kind: AsyncJobKind): VirtError {
  return new VirtError('INTERNAL_ERROR', `async job ${kind} has already ended`);
}

/** libvirt's text from virDomainObjBeginJobInternal. */
function lockError(
  code: 'OPERATION_TIMEOUT' | 'OPERATION_FAILED',
  heldBy: string | undefined,
  suffix: string,
) {
  const held = heldBy === undefined ? '' : ` (held by monitor=${heldBy})`;
  return new VirtError(code, `cannot acquire state change lock${held}${suffix}`);
}
