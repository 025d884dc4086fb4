import { VirtError } from '@virtkit/core';
import { execa } from 'execa';
import { exists } from '../cgroup/cgroup-io.js';

/** `ip`'s complaint without its "RTNETLINK answers: " prefix (`File exists`, `Cannot find device "x"`). */
function complaint(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr ?? (error as Error).message;
  return stderr.trim().replace(/^RTNETLINK answers: /gm, '');
}

export class IpError extends Error {
  constructor(readonly complaint: string) {
    super(complaint);
  }
}

/**
 * iproute2 with an argv array (never a shell); every name follows a `dev`/`name`/`master` keyword
 * so that one starting with `-` is not read as an option.
 */
export async function ip(args: readonly string[]): Promise<void> {
  try {
    await execa('ip', args, { stdin: 'ignore' });
  } catch (error) {
    throw new IpError(complaint(error));
  }
}

/** Runs `ip` commands, one per line, in the network namespace of `pid` (one process for all of them). */
export async function ipBatchIn(pid: number, lines: readonly string[]): Promise<void> {
  try {
    await execa('nsenter', [`--net=/proc/${pid}/ns/net`, '--', 'ip', '-batch', '-'], {
      input: `${lines.join('\n')}\n`,
    });
  } catch (error) {
    throw new IpError(complaint(error));
  }
}

/** Whether the host has a link of that name (/sys/class/net lists every one of this namespace). */
export async function linkExists(name: string): Promise<boolean> {
  return exists(`/sys/class/net/${name}`);
}

export async function isBridge(name: string): Promise<boolean> {
  return exists(`/sys/class/net/${name}/bridge`);
}

export function systemError(detail: string): VirtError {
  return new VirtError('SYSTEM_ERROR', detail, { domain: 'LXC' });
}
