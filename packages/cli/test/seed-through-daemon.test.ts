import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from '@virtkit/core';
import { killProcess } from '@virtkit/driver-qemu';
import { killLeftoverQemus } from '@virtkit/driver-qemu/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparableEvents, runSeed, type SeedOutcome, type SeedSide } from './seed-scenario.js';
import { locateVirsh, locateVirtkit } from './side-by-side/tools.js';

/** The pid of the live virtkitd holding `runDir`'s manager lock (`PID TOKEN`), if there is one. */
async function daemonPid(runDir: string): Promise<number | undefined> {
  const text = await readFile(join(runDir, 'manager.lock'), 'utf8').catch(() => '');
  const pid = Number(text.split(/\s+/)[0]);
  return pid > 0 && (await isProcessAlive(pid)) ? pid : undefined;
}

/**
 * Runs `body` against the virtkitd virtkit starts for `runDir` (its autostart: `virtkitd --root
 * DIR` for DIR/run, the system daemon for /run/virtkit); afterwards stops that daemon, kills any
 * QEMU it left in `qemuStateDir` and removes those of `created` that did not exist before. A
 * daemon that was already running is someone else's and is left alone.
 */
async function withStartedDaemon(
  runDir: string,
  qemuStateDir: string,
  created: readonly string[],
  body: () => Promise<void>,
): Promise<void> {
  const existing = created.filter((path) => existsSync(path));
  const before = await daemonPid(runDir);
  let pid: number | undefined;
  try {
    await body();
    pid = await daemonPid(runDir);
    // The run went through a virtkitd on these sockets, not through an in-process driver.
    expect(pid).toBeDefined();
  } finally {
    pid ??= await daemonPid(runDir);
    if (before === undefined && pid !== undefined) {
      await killLeftoverQemus(qemuStateDir);
      await killProcess(pid);
    }
    for (const path of created.filter((path) => !existing.includes(path))) {
      await rm(path, { recursive: true, force: true });
    }
  }
}

/** Everything virtkitd serving the literal qemu:///system as root may create. */
const SYSTEM_DIRS = [
  '/run/virtkit',
  '/etc/virtkit',
  '/var/lib/virtkit',
  '/var/cache/virtkit',
  '/var/log/virtkit',
];

const SEED_MS = 90_000;
const isRoot = process.getuid?.() === 0;

/** What both virtkit runs must show: a poll faster than 20 ms that only ever saw `running (booted)`. */
function expectBootedThroughout(outcome: SeedOutcome): void {
  expect(new Set(outcome.samples)).toEqual(new Set(['running (booted)']));
  expect(outcome.samples.length).toBe(outcome.gaps.length + 1);
  const sorted = [...outcome.gaps].sort((a, b) => a - b);
  expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThanOrEqual(20);
}

describe('the seed through virtkitd, side by side with libvirt 9.0', () => {
  let dir: string;
  let libvirt: SeedOutcome;
  const libvirtName = `vk-seed-libvirt-${process.pid}`;

  const sideDir = async (name: string) => mkdtemp(join(dir, `${name}-`));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'virtkit-seed-'));
    libvirt = await runSeed({
      tool: locateVirsh(),
      uri: 'qemu:///system',
      name: libvirtName,
      dir: await sideDir('libvirt'),
    });
  }, SEED_MS);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the seed on `side` and checks it against libvirt's run. */
  async function seedLikeLibvirt(side: Omit<SeedSide, 'dir' | 'tool'>): Promise<void> {
    const ours = await runSeed({ ...side, tool: locateVirtkit(), dir: await sideDir(side.name) });
    expectBootedThroughout(ours);
    expect(comparableEvents(ours, side.name)).toEqual(comparableEvents(libvirt, libvirtName));
  }

  it('libvirt 9.0 itself stays running (booted) through an ACPI reboot', () => {
    expectBootedThroughout(libvirt);
    expect(comparableEvents(libvirt, libvirtName)).toEqual([
      "event 'lifecycle' for domain 'GUEST': Defined Added",
      "event 'lifecycle' for domain 'GUEST': Resumed Unpaused",
      "event 'lifecycle' for domain 'GUEST': Started Booted",
      "event 'reboot' for domain 'GUEST'",
      "event 'lifecycle' for domain 'GUEST': Shutdown Finished after guest request",
      "event 'lifecycle' for domain 'GUEST': Stopped Shutdown",
    ]);
  });

  it(
    'through a virtkitd --root of its own: the events libvirt prints, running (booted) throughout',
    async () => {
      const root = join(dir, 'daemon');
      const socket = join(root, 'run', 'virtkit-sock');
      await withStartedDaemon(join(root, 'run'), join(root, 'qemu', 'run', 'qemu'), [root], () =>
        seedLikeLibvirt({ uri: `qemu+unix:///system?socket=${socket}`, name: 'vk-seed-root' }),
      );
    },
    SEED_MS,
  );

  it.skipIf(!isRoot)(
    'through the literal qemu:///system, starting the system virtkitd: the same',
    async () => {
      await withStartedDaemon('/run/virtkit', '/run/virtkit/qemu', SYSTEM_DIRS, () =>
        seedLikeLibvirt({ uri: 'qemu:///system', name: `vk-seed-system-${process.pid}` }),
      );
    },
    SEED_MS,
  );
});
