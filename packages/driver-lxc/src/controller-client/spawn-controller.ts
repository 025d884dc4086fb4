import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { VirtError } from '@virtkit/core';
import { CONTROLLER_ENTRY } from '../controller/index.js';

export interface SpawnedController {
  pid: number;
  /** Where this run's output starts in the log, to quote only its own lines in errors. */
  logOffset: number;
}

/**
 * Starts a container's controller so that it outlives the manager, as libvirt starts
 * libvirt_lxc: its own session, stdout and stderr appended to the container's log, no pipe or
 * reference keeping our event loop alive.
 */
export async function spawnController(
  runDir: string,
  logPath: string,
  name: string,
): Promise<SpawnedController> {
  const log = await open(logPath, 'a');
  try {
    await log.write(`${new Date().toISOString()}: starting up container ${name}\n`);
    const logOffset = (await log.stat()).size;
    const child = spawn(process.execPath, [CONTROLLER_ENTRY, runDir], {
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      cwd: '/',
      env: {
        LC_ALL: 'C',
        PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      },
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) =>
        reject(new VirtError('SYSTEM_ERROR', `cannot execute binary ${process.execPath}: ${error.message}`)),
      );
    });
    child.unref();
    return { pid: child.pid as number, logOffset };
  } finally {
    await log.close();
  }
}
