import { setTimeout as sleep } from 'node:timers/promises';
import { VirtError } from '../errors/index.js';
import { errnoCode } from './fs-errors.js';
import { isProcessAlive } from './process-liveness.js';

export interface KillOptions {
  /** SIGTERM only, never SIGKILL (virsh destroy --graceful). */
  graceful?: boolean;
  /** How long the process gets to exit after SIGTERM; libvirt waits 10 s. */
  termTimeoutMs?: number;
  /** How long after SIGKILL before giving up; libvirt waits 5 s more. */
  killTimeoutMs?: number;
}

export type KillOutcome = 'already-gone' | 'terminated' | 'killed';

const POLL_INTERVAL_MS = 10;

/** Sends `sig` without waiting; false when the process is already gone. */
export function signalProcess(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ESRCH') return false;
    throw error;
  }
}

/** Polls until `pid` has exited; false when it still runs after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(POLL_INTERVAL_MS);
  }
  return true;
}

/** libvirt's virProcessKillPainfully: SIGTERM, wait, then SIGKILL unless graceful. */
export async function killProcess(pid: number, options: KillOptions = {}): Promise<KillOutcome> {
  if (!signalProcess(pid, 'SIGTERM')) return 'already-gone';
  if (await waitForExit(pid, options.termTimeoutMs ?? 10_000)) return 'terminated';
  if (!options.graceful) {
    if (!signalProcess(pid, 'SIGKILL')) return 'terminated';
    if (await waitForExit(pid, options.killTimeoutMs ?? 5_000)) return 'killed';
  }
  const sig = options.graceful ? 'SIGTERM' : 'SIGKILL';
  throw new VirtError(
    'SYSTEM_ERROR',
    `Failed to terminate process ${pid} with ${sig}: Device or resource busy`,
  );
}
