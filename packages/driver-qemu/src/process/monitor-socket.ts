import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive, VirtError } from '@virtkit/core';

export interface WaitForMonitorOptions {
  pid: number;
  /** libvirt allows 30 s. */
  timeoutMs?: number;
  /** The domain log and where this run's output starts in it, to say why QEMU died. */
  logPath?: string;
  logOffset?: number;
}

const POLL_INTERVAL_MS = 10;
const LOG_TAIL_BYTES = 4096;

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isSocket();
  } catch {
    return false;
  }
}

/** What QEMU printed since it started (its last 4 KiB), as libvirt quotes it in errors. */
async function readLogSince(path: string, offset: number): Promise<string> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const start = Math.max(offset, size - LOG_TAIL_BYTES);
    const { buffer, bytesRead } = await file.read(Buffer.alloc(size - start), 0, size - start, start);
    return buffer.subarray(0, bytesRead).toString('utf8').trimEnd();
  } finally {
    await file.close();
  }
}

/**
 * Waits (bounded) until QEMU has created its monitor socket. The caller removes a stale socket
 * before launching; a connect that is still refused for an instant is connectQmp's `retryMs`.
 */
export async function waitForMonitorSocket(path: string, options: WaitForMonitorOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await isSocket(path))) {
    if (!(await isProcessAlive(options.pid))) {
      const log =
        options.logPath === undefined ? '' : await readLogSince(options.logPath, options.logOffset ?? 0);
      const detail = log === '' ? '' : `: ${log}`;
      throw new VirtError('INTERNAL_ERROR', `process exited while connecting to monitor${detail}`, {
        domain: 'QEMU',
      });
    }
    if (Date.now() >= deadline) {
      throw new VirtError('SYSTEM_ERROR', 'monitor socket did not show up: No such file or directory', {
        domain: 'QEMU',
      });
    }
    await sleep(POLL_INTERVAL_MS);
  }
}
