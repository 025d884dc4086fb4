import { readFile } from 'node:fs/promises';

async function readProc(pid: number, file: string): Promise<string | undefined> {
  try {
    return await readFile(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether `pid` runs. A zombie does not: it has exited and only waits to be reaped. */
export async function isProcessAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = await readProc(pid, 'stat');
  // Fields after the parenthesised command name; the first is the state letter.
  const state = stat?.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/**
 * Whether `pid` is still the QEMU we started, and not another process that got the pid after
 * ours died: one of its arguments names our monitor socket.
 */
export async function isQemuWithMonitor(pid: number, monitorPath: string): Promise<boolean> {
  const cmdline = await readProc(pid, 'cmdline');
  if (cmdline === undefined || !(await isProcessAlive(pid))) return false;
  return cmdline.split('\0').some((arg) => arg.includes(monitorPath));
}
