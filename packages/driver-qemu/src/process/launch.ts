import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { errnoText, VirtError } from '@virtkit/core';
import { writePidfile } from './pidfile.js';

export interface LaunchOptions {
  /** The emulator, e.g. `/usr/bin/qemu-system-x86_64`; a bare name is looked up in PATH. */
  binary: string;
  /** Passed as they are: no shell ever sees them. */
  args: readonly string[];
  /** The domain's log: QEMU's stdout and stderr are appended to it. */
  logPath: string;
  pidfilePath?: string;
  /** Added to the minimal environment QEMU gets. */
  env?: Record<string, string>;
  cwd?: string;
}

export interface LaunchedProcess {
  pid: number;
  /** Where this run's own output starts in the log, for error reports (see waitForMonitorSocket). */
  logOffset: number;
}

/** `a b 'c d'`: the command line as the log shows it, for a human to read and re-run. */
function quoteForLog(argv: readonly string[]): string {
  return argv
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`))
    .join(' ');
}

function spawnError(binary: string, error: NodeJS.ErrnoException): VirtError {
  const detail =
    error.code === 'ENOENT' ? `Cannot find '${binary}' in path` : `cannot execute binary ${binary}`;
  return new VirtError('SYSTEM_ERROR', `${detail}: ${errnoText(error)}`, { cause: error });
}

/**
 * Starts QEMU so that it outlives the manager: its own session (no signal from our terminal or
 * process group reaches it), output to the log file rather than pipes into us, and no reference
 * keeping our event loop alive. node:child_process rather than execa: execa's value is the
 * promise of a result and, by default, killing the child when we exit — both wrong here.
 */
export async function launchDetached(options: LaunchOptions): Promise<LaunchedProcess> {
  const log = await open(options.logPath, 'a');
  try {
    const header = `${new Date().toISOString()}: starting up\n${quoteForLog([options.binary, ...options.args])}\n`;
    await log.write(header);
    const logOffset = (await log.stat()).size;
    const child = spawn(options.binary, options.args, {
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      // Not our cwd: QEMU may live long after the directory we were started in is gone.
      cwd: options.cwd ?? '/',
      // LC_ALL=C keeps QEMU's messages in the log in English, as libvirt does.
      env: { LC_ALL: 'C', PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) => reject(spawnError(options.binary, error)));
    });
    child.unref();
    const pid = child.pid as number;
    if (options.pidfilePath !== undefined) await writePidfile(options.pidfilePath, pid);
    return { pid, logOffset };
  } finally {
    await log.close();
  }
}
