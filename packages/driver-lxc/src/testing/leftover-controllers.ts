import { readdir, readFile, readlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
  while (controllers.some((c) => alive(c.pid)) && Date.now() < deadline) await sleep(50);
  for (const { pid } of controllers.filter((c) => alive(c.pid))) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  return controllers.length;
}
