import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { killProcess, readPidfile } from '../process/index.js';

/**
 * Kills the QEMU of every run directory (domain-ID-NAME/qemu.pid) left under a driver's state
 * directory: what a test or bench that failed midway may leave running.
 */
export async function killLeftoverQemus(stateDir: string): Promise<void> {
  const runs = await readdir(stateDir).catch(() => [] as string[]);
  for (const run of runs.filter((entry) => entry.startsWith('domain-'))) {
    const pid = await readPidfile(join(stateDir, run, 'qemu.pid')).catch(() => undefined);
    if (pid !== undefined) await killProcess(pid, { termTimeoutMs: 2000 }).catch(() => {});
  }
}
