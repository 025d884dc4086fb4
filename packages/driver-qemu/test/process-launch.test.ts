import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from '@virtkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isQemuWithMonitor,
  killProcess,
  launchDetached,
  readPidfile,
  waitForMonitorSocket,
} from '../src/process/index.js';

let dir: string;
const started: number[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'virtkit-process-'));
});

afterEach(async () => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  await rm(dir, { recursive: true, force: true });
});

/** Node stands in for QEMU: `script` runs with `args` after it, the way QEMU gets its argv. */
async function launchNode(script: string, ...args: string[]) {
  const launched = await launchDetached({
    binary: process.execPath,
    args: ['-e', script, '--', ...args],
    logPath: join(dir, 'domain.log'),
    pidfilePath: join(dir, 'domain.pid'),
  });
  started.push(launched.pid);
  return launched;
}

const IDLE = 'setInterval(() => {}, 1000)';
// The marker is built at run time: the log's header already holds the script's text.
const IGNORE_TERM = `process.on('SIGTERM', () => {}); console.log('ignoring' + ' SIGTERM'); ${IDLE}`;

async function launchIgnoringTerm() {
  const launched = await launchNode(IGNORE_TERM);
  await expect.poll(() => readFile(join(dir, 'domain.log'), 'utf8')).toContain('ignoring SIGTERM');
  return launched;
}

function sessionId(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/stat`, 'utf8').then((stat) => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[3]);
  });
}

describe('launching detached', () => {
  it('starts the process in its own session, with a pidfile and its output in the log', async () => {
    const { pid } = await launchNode(
      `console.log('hello from ' + process.pid); ${IDLE}`,
      'unix:/x/monitor.sock',
    );
    expect(await readPidfile(join(dir, 'domain.pid'))).toBe(pid);
    expect(await sessionId(pid)).toBe(pid);
    expect(await sessionId(pid)).not.toBe(await sessionId(process.pid));
    await expect.poll(() => readFile(join(dir, 'domain.log'), 'utf8')).toContain(`hello from ${pid}`);
    const log = await readFile(join(dir, 'domain.log'), 'utf8');
    // The header shows the command line, quoted where a shell would need it.
    expect(log).toContain(`${process.execPath} -e 'console.log(`);
    expect(log).toContain(' -- unix:/x/monitor.sock\n');
  });

  it('fails with libvirt text when the binary does not exist', async () => {
    await expect(
      launchDetached({ binary: join(dir, 'qemu-system-none'), args: [], logPath: join(dir, 'domain.log') }),
    ).rejects.toMatchObject({
      code: 'SYSTEM_ERROR',
      message: `Cannot find '${join(dir, 'qemu-system-none')}' in path: No such file or directory`,
    });
  });
});

describe('recognising our process', () => {
  it('is ours while it runs with our monitor path in its argv, not for another path or once dead', async () => {
    const monitor = join(dir, 'monitor.sock');
    const { pid } = await launchNode(IDLE, '-qmp', `unix:${monitor},server=on,wait=off`);
    expect(await isProcessAlive(pid)).toBe(true);
    expect(await isQemuWithMonitor(pid, monitor)).toBe(true);
    expect(await isQemuWithMonitor(pid, join(dir, 'other.sock'))).toBe(false);
    await killProcess(pid);
    expect(await isProcessAlive(pid)).toBe(false);
    expect(await isQemuWithMonitor(pid, monitor)).toBe(false);
  });
});

describe('killing', () => {
  it('ends a process that obeys SIGTERM without SIGKILL', async () => {
    const { pid } = await launchNode(IDLE);
    await expect(killProcess(pid)).resolves.toBe('terminated');
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const { pid } = await launchIgnoringTerm();
    await expect(killProcess(pid, { termTimeoutMs: 100 })).resolves.toBe('killed');
    expect(await isProcessAlive(pid)).toBe(false);
  });

  it('stops at SIGTERM when graceful, with libvirt error if the process stays', async () => {
    const { pid } = await launchIgnoringTerm();
    await expect(killProcess(pid, { graceful: true, termTimeoutMs: 100 })).rejects.toMatchObject({
      code: 'SYSTEM_ERROR',
      message: `Failed to terminate process ${pid} with SIGTERM: Device or resource busy`,
    });
    expect(await isProcessAlive(pid)).toBe(true);
  });

  it('reports a process that is already gone', async () => {
    const { pid } = await launchNode('');
    await expect.poll(() => isProcessAlive(pid)).toBe(false);
    await expect(killProcess(pid)).resolves.toBe('already-gone');
  });
});

describe('waiting for the monitor socket', () => {
  it('returns once the socket exists', async () => {
    const path = join(dir, 'monitor.sock');
    const { pid } = await launchNode(IDLE);
    let server: Server | undefined;
    setTimeout(() => {
      server = createServer().listen(path);
    }, 50);
    await waitForMonitorSocket(path, { pid });
    await sleep(0);
    await new Promise((resolve) => server?.close(resolve));
  });

  it("quotes the process's own output when it exits first", async () => {
    const launched = await launchNode("console.error('qemu: could not load PC BIOS'); process.exit(1)");
    await expect(
      waitForMonitorSocket(join(dir, 'monitor.sock'), { ...launched, logPath: join(dir, 'domain.log') }),
    ).rejects.toMatchObject({
      code: 'INTERNAL_ERROR',
      message: 'internal error: process exited while connecting to monitor: qemu: could not load PC BIOS',
    });
  });

  it('gives up after the timeout', async () => {
    const { pid } = await launchNode(IDLE);
    await expect(
      waitForMonitorSocket(join(dir, 'monitor.sock'), { pid, timeoutMs: 50 }),
    ).rejects.toMatchObject({
      message: 'monitor socket did not show up: No such file or directory',
    });
  });
});
