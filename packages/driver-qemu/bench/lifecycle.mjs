#!/usr/bin/env node
// virtkit's QEMU driver beside libvirt 9.0 on this machine, with the same TCG guest and XML:
// start → BOOT, ACPI reboot → BOOT again, ACPI shutdown → shut off, then N guests started at
// once. Run after a build (`pnpm bench`); prints figures and ratios, never fails the build.
// BENCH_ROUNDS (10), BENCH_GUESTS (30), BENCH_SETTLE_MS (100) tune it; BENCH_LIBVIRT=off leaves libvirt out.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GUEST_IMAGE, makeGuest, percentile, timed, waitForBoots, waitForLine, wallNow } from './guest.mjs';
import { libvirtSide, virtkitSide } from './sides.mjs';
import { ensureLibvirtd } from './virsh-session.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const GUESTS = Number(process.env.BENCH_GUESTS ?? 30);
/** After BOOT the guest enables its power button; QEMU drops a press that comes before. */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 100);
const PREFIX = `vkbench-${process.pid}`;
/** The BIOS timer tick (18.2 Hz) at which the guest polls its power button. */
const TICK_MS = 1000 / 18.2;

/** The issue's targets: virtkit's median over libvirt's. */
const MEASURES = [
  { key: 'start', label: 'start → BOOT', target: 1.0 },
  { key: 'reboot', label: 'ACPI reboot → BOOT again', target: 1.0 },
  { key: 'rebootHandling', label: '  of which POWEROFF → BOOT', target: 1.0 },
  { key: 'shutdown', label: 'ACPI shutdown → shut off', target: 0.5 },
];

/**
 * One start, reboot and shutdown of `guest`, each timed from the moment it is issued (BOOT by the
 * serial file's mtime). The guest checks its power button once per BIOS timer tick (~55 ms), so an
 * ACPI request waits for the next tick: `jitter` spreads the requests over the tick, the same for
 * both sides in a round, and POWEROFF → BOOT times the reboot without that wait.
 */
async function lifecycleRound(side, guest, jitter) {
  await rm(guest.serialLog, { force: true });
  const startIssued = wallNow();
  await side.start(guest.name);
  const start = (await waitForBoots(guest.serialLog, 1)) - startIssued;
  await sleep(SETTLE_MS + jitter);
  const rebootIssued = wallNow();
  await side.reboot(guest.name);
  const poweroff = await waitForLine(guest.serialLog, 'POWEROFF', 1);
  const booted = await waitForBoots(guest.serialLog, 2);
  await sleep(SETTLE_MS + jitter);
  const stopped = side.nextStop(guest.name);
  const shutdown = await timed(async () => {
    await side.shutdown(guest.name);
    await stopped;
  });
  return { start, reboot: booted - rebootIssued, rebootHandling: booted - poweroff, shutdown };
}

/** `GUESTS` guests defined and started at once, until all run and all have printed BOOT. */
async function concurrentStart(side, dir) {
  const guests = await Promise.all(
    Array.from({ length: GUESTS }, (_, i) => makeGuest(dir, `${PREFIX}-${side.label}-many-${i}`)),
  );
  const rssBefore = side.managerRssKiB();
  let running = 0;
  const booted = await timed(async () => {
    running = await timed(() => side.startMany(guests));
    await Promise.all(guests.map((guest) => waitForBoots(guest.serialLog, 1)));
  });
  const rssAfter = side.managerRssKiB();
  await side.remove(guests.map((guest) => guest.name));
  return { running, booted, rssBefore, rssAfter };
}

const ms = (value) => `${value.toFixed(0).padStart(5)} ms`;
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;

function printLifecycle(samples, sides) {
  console.log(
    `\nmedian (p90) over ${ROUNDS} rounds after 1 warm-up, BOOT timed by the serial file's mtime, state polled every 5 ms`,
  );
  for (const { key, label, target } of MEASURES) {
    const medians = sides.map((side) => percentile(samples.get(side)[key], 50));
    const cells = sides.map(
      (side, i) => `${side.label} ${ms(medians[i])} (p90 ${ms(percentile(samples.get(side)[key], 90))})`,
    );
    const verdict =
      medians.length === 2
        ? `ratio ${(medians[0] / medians[1]).toFixed(2)} (target ≤ ${target.toFixed(1)}) ${medians[0] / medians[1] <= target ? 'PASS' : 'MISS'}`
        : 'no ratio: libvirt left out';
    console.log(`${label.padEnd(26)} ${cells.join('   ')}   ${verdict}`);
  }
}

function printConcurrent(results) {
  console.log(`\n${GUESTS} guests defined + started concurrently`);
  for (const [side, r] of results) {
    console.log(
      `${side.label.padEnd(8)} all running ${ms(r.running)}, all BOOT ${ms(r.booted)}; ${side.manager} RSS ${mib(r.rssBefore)} → ${mib(r.rssAfter)}`,
    );
  }
  if (results.length === 2) {
    const [[, vk], [, lv]] = results;
    console.log(
      `ratio virtkit/libvirt: running ${(vk.running / lv.running).toFixed(2)}, BOOT ${(vk.booted / lv.booted).toFixed(2)}`,
    );
  }
}

const qemu = spawnSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' });
if (qemu.status !== 0 || !existsSync(GUEST_IMAGE)) {
  console.log('lifecycle bench skipped: needs qemu-system-x86_64 and shared/guest/powerbutton.img');
  process.exit(0);
}
const libvirtMissing = ensureLibvirtd();
console.log(
  `${qemu.stdout.split('\n')[0]}, TCG, ${cpus().length} CPUs, node ${process.version}; ${
    libvirtMissing ? `libvirt left out: ${libvirtMissing}` : 'beside libvirt 9.0 (qemu:///system)'
  }`,
);

const dir = await mkdtemp(join(tmpdir(), 'vkbench-'));
const sides = [];
let cleaning;
/** Every guest either side started is destroyed and undefined, however the bench ends. */
function cleanup() {
  cleaning ??= (async () => {
    for (const side of sides) await side.cleanup().catch((error) => console.error(error));
    await rm(dir, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => cleanup().finally(() => process.exit(130)));
}

try {
  sides.push(await virtkitSide(join(dir, 'embed')));
  if (!libvirtMissing) sides.push(await libvirtSide(dir));
  const samples = new Map(
    sides.map((side) => [side, Object.fromEntries(MEASURES.map(({ key }) => [key, []]))]),
  );
  const guests = new Map();
  for (const side of sides) {
    const guest = await makeGuest(dir, `${PREFIX}-${side.label}`);
    await side.define(guest);
    guests.set(side, guest);
  }
  // The sides take turns, so a machine that gets busier slows both alike.
  for (let round = 0; round <= ROUNDS; round++) {
    const jitter = Math.random() * TICK_MS;
    for (const side of sides) {
      const sample = await lifecycleRound(side, guests.get(side), jitter);
      if (round === 0) continue;
      for (const { key } of MEASURES) samples.get(side)[key].push(sample[key]);
    }
  }
  printLifecycle(samples, sides);
  const results = [];
  for (const side of sides) results.push([side, await concurrentStart(side, dir)]);
  printConcurrent(results);
} finally {
  await cleanup();
}
