import { readFile } from 'node:fs/promises';
import { errnoCode } from './fs-errors.js';

/**
 * Whether `pid` runs. A zombie does not: it has exited and only waits to be reaped (a manager
 * killed while its parent lingers, a QEMU whose launcher has not reaped it yet).
 */
export async function isProcessAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return errnoCode(error) === 'EPERM';
  }
  // Without /proc (not Linux) a zombie cannot be told apart: it counts as running.
  if (process.platform !== 'linux') return true;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // Fields after the parenthesised command name; the first is the state letter.
  const state = stat?.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== undefined && state !== 'Z' && state !== 'X';
}
