#!/usr/bin/env node
// virtkitd beside libvirtd 9.0, through the same pure-TS client: the round trip of DOMAIN_GET_STATE
// on test:///default over the unix socket (median and p90; target ≤ 1.0× libvirtd's), then event
// delivery: a QEMU guest's power-off at QMP → the client's lifecycle callback. Run after a build
// (`pnpm bench`); prints figures, never fails the build.
// BENCH_CALLS (2000), BENCH_WARMUP (300), BENCH_EVENT_ROUNDS (12, at least 10) tune it;
// BENCH_LIBVIRT=off leaves libvirtd out.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { openConnection } from '@virtkit/core';
import { driver as qemuDriver } from '@virtkit/driver-qemu';
import { killLeftoverQemus } from '@virtkit/driver-qemu/testing';
import { driver } from '@virtkit/remote';
import { openTarget, powerOffLatencies } from './event-latency.mjs';
import { format, summary } from './stats.mjs';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const EVENT_ROUNDS = Math.max(10, Number(process.env.BENCH_EVENT_ROUNDS ?? 12));
/** The targets take turns in this many blocks of calls. */
const BLOCKS = 10;
const LIBVIRTD_SOCKET = '/run/libvirt/libvirt-sock';
const VIRTKITD = fileURLToPath(new URL('../bin/virtkitd.js', import.meta.url));

const ms = (ns) => Number(ns) / 1e6;

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
 * EVENT_ROUNDS power-offs of a powerbutton guest per target, each target with its own copy
 * (libvirtd's under a unique name, undefined afterwards), the targets taking turns. The QEMU
 * driver in this process, without a daemon, shows what the daemon and the RPC add.
 */
async function eventDelivery(root, socket, withLibvirtd) {
  console.log(`Event delivery, guest power-off at QMP → client callback, ${EVENT_ROUNDS} rounds:`);
  const specs = [
    ['virtkitd', `qemu+unix:///system?socket=${socket}`],
    ...(withLibvirtd ? [['libvirtd', `qemu+unix:///system?socket=${LIBVIRTD_SOCKET}`]] : []),
    ['in-process', `qemu:///embed?root=${join(root, 'in-process', 'qemu')}`, [qemuDriver]],
  ];
  const name = `virtkit-bench-${randomBytes(4).toString('hex')}`;
  const targets = [];
  try {
    for (const [label, uri, drivers] of specs) {
      const dir = join(root, label);
      await mkdir(dir);
      targets.push(await openTarget(label, uri, dir, name, drivers));
    }
    const figures = (await powerOffLatencies(targets, EVENT_ROUNDS)).map(summary);
    for (const [index, target] of targets.entries()) {
      console.log(`  ${target.label.padEnd(10)}  ${format(figures[index])}`);
    }
    if (withLibvirtd) {
      console.log(`  ratio ${(figures[0].median / figures[1].median).toFixed(2)}× libvirtd's median`);
    }
    console.log(
      "  (timed from the serial file's mtime at the guest's POWEROFF write: the kernel stamps it from\n" +
        '   its coarse clock, ~4 ms ticks, so a sample may read up to one tick high)',
    );
  } finally {
    for (const target of targets) await target.close();
    await killLeftoverQemus(join(root, 'in-process', 'qemu', 'run', 'qemu'));
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
  await eventDelivery(root, daemon.socket, withLibvirtd);
} finally {
  await killLeftoverQemus(join(root, 'qemu', 'run', 'qemu'));
  await daemon.stop();
  await rm(root, { recursive: true, force: true });
}
