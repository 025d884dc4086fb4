import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * virDriverShouldAutostart: autostart runs once per boot of the host. The first manager to open
 * the state directory (a tmpfs for the system drivers) leaves an `autostarted` marker there, and
 * later managers skip autostart while it exists.
 */
export async function claimAutostart(stateDir: string): Promise<boolean> {
  try {
    await writeFile(join(stateDir, 'autostarted'), '', { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
