import { readdir, readFile, readlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from '@virtkit/core';

export interface FoundController {
  pid: number;
  /** Its working directory: the run directory, or where a spare waits for one. */
  runDir: string;
  /** Still waiting for a run directory. */
  spare: boolean;
}

/**
 * Controllers (`node …/controller-entry.cjs <runDir>` or `… --spare <runParent>`) working under
 * `runDirPrefix`: each works in its run directory, and a spare in the directory it was started for.
 */
export async function findControllers(runDirPrefix = '/'): Promise<FoundController[]> {
  const found: FoundController[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const argv = await readFile(`/proc/${pid}/cmdline`, 'utf8')
      .then((t) => t.split('\0'))
      .catch(() => [] as string[]);
    const at = argv.findIndex((a) => a.endsWith('controller-entry.cjs'));
    if (at < 0) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
    const spareOf = argv[at + 1] === '--spare' ? argv[at + 2] : undefined;
    if (cwd?.startsWith(runDirPrefix)) found.push({ pid, runDir: cwd, spare: cwd === spareOf });
  }
  return found;
}

/** The controllers of `controllers` that still run. */
async function stillRunning(controllers: readonly FoundController[]): Promise<FoundController[]> {
  const alive = await Promise.all(controllers.map((c) => isProcessAlive(c.pid)));
  return controllers.filter((_, i) => alive[i]);
}

/**
 * Stops what a failed test left running, spares included: SIGTERM first (a controller kills its
 * container and cleans up, a spare just exits), SIGKILL after `timeoutMs`. Only controllers
 * working under `runDirPrefix`.
 */
export async function killLeftoverControllers(runDirPrefix: string, timeoutMs = 5000): Promise<number> {
  const controllers = await findControllers(runDirPrefix);
  for (const { pid } of controllers) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
  }
  const deadline = Date.now() + timeoutMs;
  while ((await stillRunning(controllers)).length > 0 && Date.now() < deadline) await sleep(50);
  for (const { pid } of await stillRunning(controllers)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  return controllers.length;
}
