import { describe, expect, it } from 'vitest';
import { DEFAULT_JOB_WAIT_MS, isVirtError, type Job, JobLocks } from '../src/index.js';

/** Whether a promise has settled after pending microtasks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('JobLocks synchronous jobs', () => {
  it('lets one job run at a time per domain, query jobs included', async () => {
    const locks = new JobLocks();
    const modify = await locks.acquire('vm1', 'modify', { owner: 'virDomainShutdown' });
    const query = locks.acquire('vm1', 'query', { owner: 'virDomainGetInfo' });
    expect(await settled(query)).toBe(false);
    expect(locks.current('vm1')?.job).toMatchObject({ kind: 'modify', owner: 'virDomainShutdown' });

    modify.release();
    const queryJob = await query;
    expect(locks.current('vm1')?.job?.kind).toBe('query');
    queryJob.release();
    expect(locks.current('vm1')).toBeUndefined();
  });

  it('keeps domains independent', async () => {
    const locks = new JobLocks();
    const a = await locks.acquire('vm1', 'modify');
    const b = await locks.acquire('vm2', 'modify');
    a.release();
    b.release();
  });

  it('serves waiters in arrival order', async () => {
    const locks = new JobLocks();
    const first = await locks.acquire('vm1', 'modify');
    const order: string[] = [];
    const waiting = ['suspend', 'query', 'destroy'].map((kind) =>
      locks.acquire('vm1', kind as 'suspend' | 'query' | 'destroy').then((job) => {
        order.push(job.kind);
        job.release();
      }),
    );
    first.release();
    await Promise.all(waiting);
    expect(order).toEqual(['suspend', 'query', 'destroy']);
  });

  it('times out with libvirt text naming the holder', async () => {
    const locks = new JobLocks();
    const held = await locks.acquire('vm1', 'modify', { owner: 'remoteDispatchDomainReboot' });
    const error = await locks.acquire('vm1', 'query', { timeoutMs: 5 }).catch((e: unknown) => e);
    expect(isVirtError(error, 'OPERATION_TIMEOUT')).toBe(true);
    expect((error as Error).message).toBe(
      'Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainReboot)',
    );
    held.release();
    expect(locks.current('vm1')).toBeUndefined();
  });

  it('omits the holder when it is unnamed and uses the constructor timeout', async () => {
    const locks = new JobLocks({ waitTimeoutMs: 5 });
    const held = await locks.acquire('vm1', 'modify');
    await expect(locks.acquire('vm1', 'modify')).rejects.toThrow(
      /^Timed out during operation: cannot acquire state change lock$/,
    );
    held.release();
    expect(DEFAULT_JOB_WAIT_MS).toBe(30_000);
  });

  it('fails at once past max_queued, except for destroy', async () => {
    const locks = new JobLocks({ maxQueuedJobs: 1 });
    const held = await locks.acquire('vm1', 'modify', { owner: 'virDomainSuspend' });
    await expect(locks.acquire('vm1', 'query')).rejects.toThrow(
      'operation failed: cannot acquire state change lock (held by monitor=virDomainSuspend) due to max_queued limit',
    );
    const destroy = locks.acquire('vm1', 'destroy');
    held.release();
    (await destroy).release();
    expect(locks.current('vm1')).toBeUndefined();
  });

  it('tryAcquire takes a free domain and declines a busy one', () => {
    const locks = new JobLocks();
    const job = locks.tryAcquire('vm1', 'modify') as Job;
    expect(job.kind).toBe('modify');
    expect(locks.tryAcquire('vm1', 'query')).toBeUndefined();
    job.release();
    expect(locks.tryAcquire('vm1', 'query')?.kind).toBe('query');
  });

  it('ignores a second release', async () => {
    const locks = new JobLocks();
    const first = await locks.acquire('vm1', 'modify');
    first.release();
    const second = await locks.acquire('vm1', 'modify');
    first.release();
    expect(locks.current('vm1')?.job?.kind).toBe('modify');
    second.release();
  });
});

describe('JobLocks async jobs', () => {
  it('allows query, destroy and abort beside an async job by default, and holds off modify', async () => {
    const locks = new JobLocks();
    const backup = await locks.acquireAsync('vm1', 'backup', { owner: 'virDomainBackupBegin' });
    expect(locks.current('vm1')?.asyncJob).toMatchObject({
      kind: 'backup',
      allowed: ['query', 'destroy', 'abort'],
    });

    const query = await locks.acquire('vm1', 'query');
    query.release();
    const modify = locks.acquire('vm1', 'modify', { timeoutMs: 5 });
    await expect(modify).rejects.toThrow(
      'Timed out during operation: cannot acquire state change lock (held by monitor=virDomainBackupBegin)',
    );
    backup.release();
  });

  it('lets the async job narrow what runs beside it, destroy always included', async () => {
    const locks = new JobLocks();
    const migration = await locks.acquireAsync('vm1', 'migration-out');
    migration.allow(['migration-op']);
    expect(locks.current('vm1')?.asyncJob?.allowed).toEqual(['migration-op', 'destroy']);
    const query = locks.acquire('vm1', 'query');
    expect(await settled(query)).toBe(false);
    (await locks.acquire('vm1', 'destroy')).release();

    migration.allow(['query']);
    (await query).release();
    migration.release();
  });

  it('runs its own steps as nested jobs that wait only for the job slot', async () => {
    const locks = new JobLocks();
    const save = await locks.acquireAsync('vm1', 'save');
    const query = await locks.acquire('vm1', 'query');
    const step = save.nested({ owner: 'qemuMigrationSrcToFile' });
    expect(await settled(step)).toBe(false);
    query.release();
    const nested = await step;
    expect(locks.current('vm1')?.job).toMatchObject({ kind: 'nested', owner: 'qemuMigrationSrcToFile' });
    nested.release();
    save.release();
    await expect(save.nested()).rejects.toThrow('internal error: async job save has already ended');
  });

  it('fails its waiting steps at once when the async job ends', async () => {
    const locks = new JobLocks();
    const dump = await locks.acquireAsync('vm1', 'dump');
    const query = await locks.acquire('vm1', 'query');
    const step = dump.nested();
    dump.release();
    await expect(step).rejects.toThrow('internal error: async job dump has already ended');
    query.release();
    expect(locks.current('vm1')).toBeUndefined();
  });

  it('waits for an async job to end before starting another, then reports the end', async () => {
    const ended: string[] = [];
    const locks = new JobLocks({ onAsyncJobEnded: (key, kind) => ended.push(`${key}:${kind}`) });
    const dump = await locks.acquireAsync('vm1', 'dump');
    const snapshot = locks.acquireAsync('vm1', 'snapshot');
    expect(await settled(snapshot)).toBe(false);
    dump.release();
    dump.release();
    const next = await snapshot;
    expect(ended).toEqual(['vm1:dump']);
    next.release();
    expect(locks.current('vm1')).toBeUndefined();
  });

  it('records destroy and async jobs, with phase, for the status file', async () => {
    const locks = new JobLocks();
    const query = await locks.acquire('vm1', 'query');
    expect(locks.tracked('vm1')).toBeUndefined();
    query.release();

    const migration = await locks.acquireAsync('vm1', 'migration-in');
    migration.setPhase('prepare');
    const destroy = await locks.acquire('vm1', 'destroy');
    expect(locks.tracked('vm1')).toEqual({ job: 'destroy', asyncJob: 'migration-in', phase: 'prepare' });
    expect(migration.phase).toBe('prepare');
    destroy.release();
    migration.release();
    expect(locks.tracked('vm1')).toBeUndefined();
  });
});
