import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** sysvinit's struct init_request: magic, cmd, runlevel, sleeptime, then 368 bytes of union. */
const REQUEST_SIZE = 384;
const INIT_MAGIC = 0x03091969;
const CMD_RUNLVL = 1;

/** Where sysvinit listens, in the order libvirt's virInitctlSetRunLevel tries them. */
const FIFOS = ['run/initctl', 'dev/initctl', 'etc/.initctl'];

export type Runlevel = 0 | 6;

/** The 384-byte request that asks init to change to `runlevel` (its character, as telinit sends it). */
export function initctlRequest(runlevel: Runlevel): Buffer {
  const request = Buffer.alloc(REQUEST_SIZE);
  request.writeInt32LE(INIT_MAGIC, 0);
  request.writeInt32LE(CMD_RUNLVL, 4);
  request.writeInt32LE(String(runlevel).charCodeAt(0), 8);
  return request;
}

/**
 * Writes a runlevel request to the container's initctl FIFO, reached through its init's root
 * (/proc/PID/root), so the path resolves inside the container. False when the container has no
 * FIFO (or nobody reads it): the caller then falls back to a signal, as libvirt does.
 */
export async function setContainerRunlevel(initPid: number, runlevel: Runlevel): Promise<boolean> {
  for (const fifo of FIFOS) {
    const path = `/proc/${initPid}/root/${fifo}`;
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      // O_NONBLOCK: opening a FIFO nobody reads fails (ENXIO) rather than hanging.
      handle = await open(path, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch {
      continue;
    }
    try {
      if (!(await handle.stat()).isFIFO()) continue;
      await handle.write(initctlRequest(runlevel));
      return true;
    } finally {
      await handle.close();
    }
  }
  return false;
}
