import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** Controllers (`node …/controller-main.js <runDir>`) running with a run dir under `runDirPrefix`. */
export async function findControllers(runDirPrefix = '/'): Promise<{ pid: number; runDir: string }[]> {
  const found: { pid: number; runDir: string }[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const argv = await readFile(`/proc/${pid}/cmdline`, 'utf8')
      .then((t) => t.split('\0'))
      .catch(() => [] as string[]);
    const at = argv.findIndex((a) => a.endsWith('controller-main.js'));
    const runDir = at >= 0 ? argv[at + 1] : undefined;
    if (runDir?.startsWith(runDirPrefix)) found.push({ pid, runDir });
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
 * Stops what a failed test left running: SIGTERM first (the controller kills its container and cleans
 * up), SIGKILL after `timeoutMs`. Only controllers whose run dir is under `runDirPrefix`.
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
