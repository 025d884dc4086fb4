import { spawn } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { isVirtError } from '@virtkit/core';

/** The daemon to start when nobody listens on its socket: a command line, run detached. */
export interface DaemonCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** How long to wait for a started daemon's socket, as libvirt's client retries its session daemon's. */
const WAIT_MS = 5000;
const RETRY_MS = 25;

/**
 * Connects, and when the socket is missing or refuses (no daemon), starts the daemon
 * detached, as libvirt starts its session daemon, then retries until it listens.
 */
export async function connectOrStart(
  connect: () => Promise<Duplex>,
  daemon: DaemonCommand,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Duplex> {
  try {
    return await connect();
  } catch (error) {
    if (!noListener(error)) throw error;
  }
  const child = spawn(daemon.command, daemon.args, { detached: true, stdio: 'ignore', env: { ...env } });
  child.on('error', () => {});
  child.unref();
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    await sleep(RETRY_MS);
    try {
      return await connect();
    } catch (error) {
      if (!noListener(error) || Date.now() >= deadline) throw error;
    }
  }
}

function noListener(error: unknown): boolean {
  const code = isVirtError(error) ? (error.cause as NodeJS.ErrnoException | undefined)?.code : undefined;
  return code === 'ENOENT' || code === 'ECONNREFUSED';
}
