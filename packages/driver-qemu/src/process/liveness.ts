import { readFile } from 'node:fs/promises';
import { isProcessAlive } from '@virtkit/core';

async function readProc(pid: number, file: string): Promise<string | undefined> {
  try {
    return await readFile(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
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
