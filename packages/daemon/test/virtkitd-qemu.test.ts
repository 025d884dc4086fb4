import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bootCount, killLeftoverQemus, makePowerbuttonGuest } from '@virtkit/driver-qemu/testing';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningVirtkitd, removeRoot, startVirtkitd, tempRoot, until } from './virtkitd-harness.js';

const virsh = (socket: string, commands: string) =>
  execa('virsh', ['-c', `qemu+unix:///system?socket=${socket}`, commands], {
    reject: false,
    timeout: 60_000,
  });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of the one QEMU the driver runs under `root` (its status directory's pidfile). */
async function qemuPid(stateDir: string): Promise<number> {
  const [run] = (await readdir(stateDir)).filter((entry) => entry.startsWith('domain-'));
  return Number((await readFile(join(stateDir, run as string, 'qemu.pid'), 'utf8')).trim());
}

describe('virtkitd hosting the QEMU driver', () => {
  let root: string | undefined;
  const daemons: RunningVirtkitd[] = [];

  afterEach(async () => {
    if (root !== undefined) await killLeftoverQemus(join(root, 'qemu', 'run', 'qemu'));
    for (const daemon of daemons.splice(0)) await daemon.stop();
    if (root !== undefined) await removeRoot(root);
    root = undefined;
  });

  it('serves qemu:///system from --root, and a SIGKILLed daemon leaves the guest running for the next', async () => {
    root = await tempRoot();
    const guest = await makePowerbuttonGuest(root, 'pb');
    const xmlFile = join(root, 'pb.xml');
    await writeFile(xmlFile, guest.xml);
    const first = await startVirtkitd(root);
    daemons.push(first);

    const started = await virsh(first.rwSocket, `define ${xmlFile}; start pb; uri`);
    expect(started.stderr).toBe('');
    expect(started.stdout).toContain("Domain 'pb' started");
    expect(started.stdout).toContain(`qemu+unix:///system?socket=${first.rwSocket}`);
    await until(async () => (await bootCount(guest.serialLog)) >= 1, 'the guest to boot', 20_000);
    expect((await virsh(first.rwSocket, 'domstate --reason pb')).stdout.trim()).toBe('running (booted)');

    const pid = await qemuPid(join(root, 'qemu', 'run', 'qemu'));
    first.process.kill('SIGKILL');
    await first.process;
    daemons.pop();
    expect(alive(pid)).toBe(true);

    const second = await startVirtkitd(root);
    daemons.push(second);
    const after = await virsh(second.rwSocket, 'domstate --reason pb; list --all');
    expect(after.stderr).toBe('');
    expect(after.stdout).toContain('running (booted)');
    expect(after.stdout).toMatch(/\d+\s+pb\s+running/);
    expect(alive(pid)).toBe(true);

    const destroyed = await virsh(second.rwSocket, 'destroy pb; domstate --reason pb; undefine pb');
    expect(destroyed.stdout).toContain('shut off (destroyed)');
    await until(async () => !alive(pid), 'QEMU to exit', 20_000);
  }, 120_000);

  it("forwards the guest's events to virsh, outlives --timeout while the guest runs, and leaves it running on SIGTERM", async () => {
    root = await tempRoot();
    const guest = await makePowerbuttonGuest(root, 'pb');
    const xmlFile = join(root, 'pb.xml');
    await writeFile(xmlFile, guest.xml);
    const daemon = await startVirtkitd(root, ['--timeout', '1']);
    daemons.push(daemon);
    expect((await virsh(daemon.rwSocket, `define ${xmlFile}; start pb`)).stderr).toBe('');
    await until(async () => (await bootCount(guest.serialLog)) >= 1, 'the guest to boot', 20_000);

    const uri = `qemu+unix:///system?socket=${daemon.rwSocket}`;
    const watcher = execa('virsh', ['-c', uri, 'event', '--all', '--loop'], { reject: false });
    let seen = '';
    watcher.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect((await virsh(daemon.rwSocket, 'suspend pb; resume pb')).exitCode).toBe(0);
      await until(async () => seen.includes('Resumed'), 'the resumed event');
      expect(seen).toBe(
        "event 'lifecycle' for domain 'pb': Suspended Paused\n" +
          "event 'lifecycle' for domain 'pb': Resumed Unpaused\n",
      );
    } finally {
      watcher.kill('SIGTERM');
      await watcher;
    }

    // No client for twice the timeout, but a running guest keeps the daemon up.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(alive(daemon.process.pid as number)).toBe(true);
    const pid = await qemuPid(join(root, 'qemu', 'run', 'qemu'));
    expect(await daemon.stop()).toBe(0);
    daemons.pop();
    expect(alive(pid)).toBe(true);
  }, 120_000);
});
