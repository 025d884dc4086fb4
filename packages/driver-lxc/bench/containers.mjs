#!/usr/bin/env node
// virtkit's LXC driver beside libvirt 9.0's on this machine, with the same busybox rootfs and XML:
// (a) start → init running, timed until init's marker file appears; (b) N containers started at
// once on each side: wall time until all inits run, manager and controller RSS. Run after a build
// (`pnpm bench`); prints figures and ratios, never fails the build.
// BENCH_ROUNDS (20), BENCH_CONTAINERS (100) tune it; BENCH_LIBVIRT=off leaves libvirt out.
import { existsSync, watch } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../dist/testing/index.js';
import { ensureOracle, stopOracle } from '../test/support/libvirt-lxc-daemon.mjs';
import { libvirtSide, virtkitSide } from './sides.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 100);
const PREFIX = `vkb${process.pid}`;
const MARKER_TIMEOUT_MS = 120_000;

/**
 * Every container of the bench shares one rootfs; its init drops a marker named after its
 * hostname (the domain name, set by both drivers), then sleeps until SIGTERM.
 */
const BENCH_INIT = `#!/bin/sh
trap 'exit 0' TERM
: > /markers/$(hostname)
while :; do sleep 1000 & wait $!; done
`;

const now = () => performance.now();

/**
 * Resolves with the time each of `names`' markers appeared (inotify, so no polling delay); rejects
 * after MARKER_TIMEOUT_MS. Must be called before the starts are issued.
 */
function markersSeen(markers, names, signal) {
  const pending = new Set(names);
  const seen = new Map();
  return new Promise((resolve, reject) => {
    const watcher = watch(markers, { signal });
    const timer = setTimeout(() => {
      watcher.close();
      reject(
        new Error(`markers missing after ${MARKER_TIMEOUT_MS} ms: ${[...pending].slice(0, 5).join(', ')}`),
      );
    }, MARKER_TIMEOUT_MS);
    const check = (name) => {
      if (!pending.has(name) || !existsSync(join(markers, name))) return;
      pending.delete(name);
      seen.set(name, now());
      if (pending.size > 0) return;
      clearTimeout(timer);
      watcher.close();
      resolve(seen);
    };
    // Aborted (the starts failed): stop watching and waiting, so nothing keeps the bench alive.
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
    watcher.on('error', () => {});
    watcher.on('change', (_type, file) => check(String(file)));
    for (const name of names) check(name);
  });
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const ms = (value) => `${value.toFixed(1).padStart(7)} ms`;
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;

/** One start of `name`, from issuing it until init's marker exists; destroyed afterwards, untimed. */
async function startRound(side, markers, name) {
  await rm(join(markers, name), { force: true });
  const seen = markersSeen(markers, [name]);
  const issued = now();
  await side.start(name);
  const at = (await seen).get(name);
  await side.destroy(name);
  return at - issued;
}

async function concurrentStart(side, markers) {
  const names = Array.from({ length: CONTAINERS }, (_, i) => `${PREFIX}-${side.label}-many-${i}`);
  const rssBefore = side.managerRssKiB();
  const abort = new AbortController();
  const seen = markersSeen(markers, names, abort.signal);
  seen.catch(() => {});
  const issued = now();
  let running = 0;
  try {
    await side.startMany(names);
    running = now() - issued;
  } catch (error) {
    abort.abort(error);
    await side.remove(names).catch(() => {});
    throw error;
  }
  const all = Math.max(...(await seen).values()) - issued;
  const rssAfter = side.managerRssKiB();
  const controllers = await side.controllersRssKiB();
  await side.remove(names);
  return { running, all, rssBefore, rssAfter, controllers };
}

if (process.getuid?.() !== 0 || !existsSync('/bin/busybox')) {
  console.log('containers bench skipped: needs root and /bin/busybox (busybox-static)');
  process.exit(0);
}

// Under /run, as both managers' state is (virtkit's lxc:///system in /run/virtkit/lxc, the private
// libvirtd's in /run/virtkit-lxc-oracle): a long-lived /tmp's directory can be slow to create in.
const dir = await mkdtemp('/run/vkbench-lxc-');
const rootfs = await makeBusyboxRootfs(join(dir, 'rootfs'), { init: BENCH_INIT });
const markers = join(rootfs, 'markers');
await mkdir(markers);
const oracle =
  process.env.BENCH_LIBVIRT === 'off'
    ? { ok: false, reason: 'BENCH_LIBVIRT=off' }
    : await ensureOracle({ probeRootfs: rootfs });
console.log(
  `${cpus().length} CPUs, node ${process.version}; ${
    oracle.ok
      ? `beside libvirt 9.0's LXC driver (private libvirtd, cgroup ${oracle.cgroupLayout})`
      : `libvirt left out: ${oracle.reason}`
  }`,
);

const sides = [];
let cleaning;
/** Every container either side started is destroyed and undefined, however the bench ends. */
function cleanup() {
  cleaning ??= (async () => {
    for (const side of sides) await side.cleanup().catch((error) => console.error(error));
    await stopOracle();
    await rm(dir, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => cleanup().finally(() => process.exit(130)));
}
// An error thrown outside the awaited chain must not leave containers or the daemon behind.
process.once('uncaughtException', (error) => {
  console.error(error);
  cleanup().finally(() => process.exit(1));
});

try {
  sides.push(await virtkitSide(join(dir, 'embed'), rootfs));
  if (oracle.ok) sides.push(await libvirtSide(dir, rootfs, oracle.pid));
  const samples = new Map(sides.map((side) => [side, []]));
  for (const side of sides) await side.define(`${PREFIX}-${side.label}`);
  // The sides take turns, so a machine that gets busier slows both alike; round 0 warms up.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const side of sides) {
      const sample = await startRound(side, markers, `${PREFIX}-${side.label}`);
      if (round > 0) samples.get(side).push(sample);
    }
  }
  console.log(`\nstart → init running (marker file), median (p90) over ${ROUNDS} rounds after 1 warm-up`);
  const medians = sides.map((side) => percentile(samples.get(side), 50));
  const cells = sides.map(
    (side, i) => `${side.label} ${ms(medians[i])} (p90 ${ms(percentile(samples.get(side), 90))})`,
  );
  const verdict =
    medians.length === 2
      ? `ratio ${(medians[0] / medians[1]).toFixed(2)} (target ≤ 1.0) ${medians[0] / medians[1] <= 1 ? 'PASS' : 'MISS'}`
      : 'no ratio: libvirt left out';
  console.log(`${cells.join('   ')}   ${verdict}`);

  const results = [];
  console.log(`\n${CONTAINERS} containers defined + started concurrently`);
  for (const side of sides) {
    try {
      results.push([side, await concurrentStart(side, markers)]);
    } catch (error) {
      console.log(`${side.label.padEnd(8)} failed: ${error.message}`);
    }
  }
  for (const [side, r] of results) {
    console.log(
      `${side.label.padEnd(8)} all started ${ms(r.running)}, all inits running ${ms(r.all)}; ${side.manager} RSS ${mib(r.rssBefore)} → ${mib(r.rssAfter)}; controllers ${mib(r.controllers)} in all`,
    );
  }
  if (results.length === 2) {
    const [[, vk], [, lv]] = results;
    console.log(
      `ratio virtkit/libvirt: started ${(vk.running / lv.running).toFixed(2)}, inits running ${(vk.all / lv.all).toFixed(2)}, controllers' RSS ${(vk.controllers / lv.controllers).toFixed(2)}`,
    );
  }
} finally {
  await cleanup();
}
