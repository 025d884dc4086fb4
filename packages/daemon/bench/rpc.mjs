#!/usr/bin/env node
// virtkitd beside libvirtd 9.0, through the same pure-TS client: the round trip of DOMAIN_GET_STATE
// on test:///default over the unix socket (median and p90; target ≤ 1.0× libvirtd's), then the
// latency of a QEMU guest's lifecycle event to the client's callback. Run after a build
// (`pnpm bench`); prints figures, never fails the build.
// BENCH_CALLS (2000), BENCH_WARMUP (300), BENCH_EVENTS (40) tune it; BENCH_LIBVIRT=off leaves libvirtd out.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { openConnection } from '@virtkit/core';
import { bootCount, killLeftoverQemus, makePowerbuttonGuest } from '@virtkit/driver-qemu/testing';
import { driver } from '@virtkit/remote';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 40);
/** The targets take turns in this many blocks of calls. */
const BLOCKS = 10;
const LIBVIRTD_SOCKET = '/run/libvirt/libvirt-sock';
const VIRTKITD = fileURLToPath(new URL('../bin/virtkitd.js', import.meta.url));

const ms = (ns) => Number(ns) / 1e6;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const summary = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
};
const format = ({ median, p90 }) => `median ${median.toFixed(3)} ms, p90 ${p90.toFixed(3)} ms`;

/** virtkitd under a temp root, once it answers a client. */
async function startVirtkitd(root) {
  const child = spawn(
    process.execPath,
    [VIRTKITD, '--root', root, '--log-file', join(root, 'virtkitd.log')],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const socket = join(root, 'run', 'virtkit-sock');
  for (let waited = 0; ; waited += 25) {
    try {
      await (await openConnection(`test+unix:///default?socket=${socket}`, { drivers: [driver] })).close();
      break;
    } catch (error) {
      if (waited > 10_000 || child.exitCode !== null) throw error;
      await sleep(25);
    }
  }
  return {
    socket,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * CALLS sequential virDomainGetState round trips to each target after WARMUP, in milliseconds
 * each. The targets take turns in BLOCKS blocks, so load from elsewhere on the machine falls on both.
 */
async function domstateRoundTrips(uris) {
  const connections = await Promise.all(uris.map((uri) => openConnection(uri, { drivers: [driver] })));
  try {
    const domains = await Promise.all(connections.map((connection) => connection.lookupDomainByName('test')));
    const samples = domains.map(() => []);
    for (const domain of domains) for (let i = 0; i < WARMUP; i++) await domain.getState();
    for (let block = 0; block < BLOCKS; block++) {
      for (const [index, domain] of domains.entries()) {
        for (let i = 0; i < CALLS / BLOCKS; i++) {
          const start = process.hrtime.bigint();
          await domain.getState();
          samples[index].push(ms(process.hrtime.bigint() - start));
        }
      }
    }
    return samples.map(summary);
  } finally {
    await Promise.all(connections.map((connection) => connection.close()));
  }
}

/**
 * Suspend and resume a running TCG guest EVENTS times each. The lifecycle event carries no QMP
 * timestamp to the client, so latency runs from issuing the command to the callback; the command's
 * own round trip is printed beside it.
 */
async function eventLatency(root, socket) {
  const connection = await openConnection(`qemu+unix:///system?socket=${socket}`, { drivers: [driver] });
  const guest = await makePowerbuttonGuest(root, 'bench-pb');
  const domain = await connection.defineXml(guest.xml);
  let arrived;
  const subscription = connection.subscribe({ domain: domain.ref, id: 'lifecycle' }, (event) =>
    arrived?.(event),
  );
  await subscription.ready;
  try {
    await domain.create();
    // A guest still in its BIOS competes with the daemon for the CPU (TCG): measure a booted one.
    while ((await bootCount(guest.serialLog)) < 1) await sleep(25);
    const eventMs = [];
    const commandMs = [];
    for (let i = 0; i < 2 * EVENTS; i++) {
      const [command, type] =
        i % 2 === 0 ? [() => domain.suspend(), 'suspended'] : [() => domain.resume(), 'resumed'];
      const event = new Promise((resolve) => {
        arrived = (e) => e.type === type && resolve(process.hrtime.bigint());
      });
      const start = process.hrtime.bigint();
      await command();
      commandMs.push(ms(process.hrtime.bigint() - start));
      eventMs.push(ms((await event) - start));
    }
    await domain.destroy();
    return { event: summary(eventMs), command: summary(commandMs) };
  } finally {
    subscription.unsubscribe();
    await domain.undefine().catch(() => {});
    await connection.close();
  }
}

const root = await mkdtemp(join(tmpdir(), 'virtkitd-bench-'));
const daemon = await startVirtkitd(root);
try {
  console.log(
    `DOMAIN_GET_STATE on test:///default over the unix socket, ${CALLS} calls after ${WARMUP} warm-up:`,
  );
  const withLibvirtd = process.env.BENCH_LIBVIRT !== 'off' && existsSync(LIBVIRTD_SOCKET);
  const [ours, theirs] = await domstateRoundTrips([
    `test+unix:///default?socket=${daemon.socket}`,
    ...(withLibvirtd ? [`test+unix:///default?socket=${LIBVIRTD_SOCKET}`] : []),
  ]);
  console.log(`  virtkitd  ${format(ours)}`);
  if (theirs) {
    console.log(`  libvirtd  ${format(theirs)}`);
    const ratio = ours.median / theirs.median;
    console.log(
      `  ratio ${ratio.toFixed(2)}× libvirtd's median (target ≤ 1.0): ${ratio <= 1.0 ? 'PASS' : 'MISS'}`,
    );
  }
  console.log(`Lifecycle events of a QEMU guest on virtkitd, ${EVENTS} suspends and ${EVENTS} resumes:`);
  const { event, command } = await eventLatency(root, daemon.socket);
  console.log(`  command issued → client callback  ${format(event)}`);
  console.log(`  command round trip                ${format(command)}`);
} finally {
  await killLeftoverQemus(join(root, 'qemu', 'run', 'qemu'));
  await daemon.stop();
  await rm(root, { recursive: true, force: true });
}
