import { randomBytes } from 'node:crypto';
import { link, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { VirtError } from '../errors/index.js';
import { ensureDir, readIfPresent, removeDurably, syncDir, writeFileAtomic } from './durable-fs.js';
import { errnoCode, systemError } from './fs-errors.js';
import { isProcessAlive } from './process-liveness.js';

export const LOCK_FILE = 'manager.lock';

/** Proof that this process is the one manager of a state directory. */
export interface StateLock {
  readonly dir: string;
  readonly file: string;
  /** Gives the directory up; safe to call twice. */
  release(): Promise<void>;
}

interface Owner {
  pid: number;
  token: string;
}

function parseOwner(text: string): Owner | undefined {
  const [pid, token] = text.trim().split(/\s+/);
  const number = Number(pid);
  return Number.isInteger(number) && number > 0 && token ? { pid: number, token } : undefined;
}

function inUse(dir: string, pid: number | undefined): VirtError {
  const by = pid === undefined ? 'another process' : `process ${pid}`;
  return new VirtError('OPERATION_FAILED', `state directory ${dir} is in use by ${by}`);
}

/**
 * Makes this process the only manager of `dir`. The lock file holds the
 * owner's pid and a random token; it is created complete (written aside, then
 * hard-linked into place, which fails if the name exists), so a reader never
 * sees a half-written owner. A lock whose pid is gone is stale and replaced.
 * Two processes replacing the same stale lock at the same instant can both
 * succeed; the token check narrows that window, it does not close it.
 */
export async function acquireStateLock(dir: string): Promise<StateLock> {
  await ensureDir(dir);
  const file = join(dir, LOCK_FILE);
  const me: Owner = { pid: process.pid, token: randomBytes(8).toString('hex') };
  const staging = join(dir, `.${LOCK_FILE}.tmp-${me.pid}-${me.token}`);
  await writeFileAtomic(staging, `${me.pid} ${me.token}\n`, 0o644);
  try {
    if (!(await linkLock(staging, file))) {
      const holder = await readOwner(file);
      if (holder && (await isProcessAlive(holder.pid))) throw inUse(dir, holder.pid);
      await removeDurably(file);
      if (!(await linkLock(staging, file))) throw inUse(dir, (await readOwner(file))?.pid);
    }
    await syncDir(dir);
    const holder = await readOwner(file);
    if (holder?.token !== me.token) throw inUse(dir, holder?.pid);
  } finally {
    await rm(staging, { force: true });
  }
  return {
    dir,
    file,
    release: async () => {
      if ((await readOwner(file))?.token === me.token) await removeDurably(file);
    },
  };
}

/** Hard-links the staged lock into place; false when a lock file already exists. */
async function linkLock(staging: string, file: string): Promise<boolean> {
  try {
    await link(staging, file);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw systemError('Failed to create lock file', file, error);
  }
}

/** The recorded owner; undefined when the file is gone or holds no valid owner (then it is stale). */
async function readOwner(file: string): Promise<Owner | undefined> {
  const text = await readIfPresent(file);
  return text === undefined ? undefined : parseOwner(text);
}
