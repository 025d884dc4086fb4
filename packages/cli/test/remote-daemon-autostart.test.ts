import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, test } from 'vitest';
import { locateVirsh, locateVirtkit, runTool } from './side-by-side/tools.js';

// A virtkitd of its own: `--root DIR` keeps its sockets in DIR/run, so /run/virtkit is never touched.
const root = mkdtempSync(join(tmpdir(), 'virtkit-autostart-'));
const socket = join(root, 'run', 'virtkit-sock');
const QEMU_URI = `qemu+unix:///system?socket=${socket}`;

/** The autostarted daemon's pid, from the manager lock it holds (`PID TOKEN`). */
function daemonPid(): number | undefined {
  try {
    return Number(readFileSync(join(root, 'run', 'manager.lock'), 'utf8').split(/\s+/)[0]);
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  const pid = daemonPid();
  if (pid !== undefined && alive(pid)) {
    process.kill(pid, 'SIGTERM');
    for (let waited = 0; alive(pid) && waited < 5000; waited += 50) await sleep(50);
  }
  rmSync(root, { recursive: true, force: true });
});

describe('virtkit starts virtkitd when nobody listens on its socket', () => {
  test('the first command starts it, and virsh then sees the same daemon', async () => {
    const ours = await runTool(locateVirtkit(), ['-c', QEMU_URI, 'list --all'], { cwd: root });
    expect(ours).toMatchObject({ exitCode: 0, stderr: '' });
    const pid = daemonPid();
    expect(pid !== undefined && alive(pid)).toBe(true);
    const theirs = await runTool(locateVirsh(), ['-c', QEMU_URI, 'list --all'], { cwd: root });
    expect(ours).toEqual(theirs);
    // A second command reaches the running daemon instead of starting another.
    await runTool(locateVirtkit(), ['-c', QEMU_URI, 'uri'], { cwd: root });
    expect(daemonPid()).toBe(pid);
  });

  test('a socket that is neither virtkitd default nor a --root one is never started for', async () => {
    const run = await runTool(
      locateVirtkit(),
      ['-c', `qemu+unix:///system?socket=${root}/elsewhere`, 'list'],
      {
        cwd: root,
      },
    );
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      `error: failed to connect to the hypervisor\nerror: Failed to connect socket to '${root}/elsewhere': No such file or directory\n`,
    );
  });
});
