#!/usr/bin/env node
// virtkit against virsh, cold processes, median wall time; run after a build: `pnpm bench`.
// Reports figures and ratios against the targets; it never fails the build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeNode } from './make-node.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 3;
const BIN = fileURLToPath(new URL('../bin/virtkit.js', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../dist/virtkit.cjs', import.meta.url));
const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', HOME: tmpdir() };

const tools = {
  virsh: (args) => ['virsh', args],
  virtkit: (args) => [process.execPath, [BIN, ...args]],
};

function run([file, args]) {
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { env: ENV, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  return { ms, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Median wall time of each command over `RUNS` cold runs after a warm-up (which also fills the
 * page cache); the commands take turns, so a busy machine slows them alike.
 */
function medianMs(...commands) {
  const times = commands.map(() => []);
  for (let round = 0; round < WARMUP + RUNS; round++) {
    commands.forEach((command, i) => {
      const { ms } = run(command);
      if (round >= WARMUP) times[i].push(ms);
    });
  }
  return times.map(median);
}

/** A benchmark is only meaningful if both tools succeed with the same output. */
function checkSameOutput(args) {
  const [expected, actual] = [run(tools.virsh(args)), run(tools.virtkit(args))];
  if (expected.status !== 0) throw new Error(`virsh ${args.join(' ')} failed: ${expected.stderr}`);
  if (actual.status !== 0 || actual.stdout !== expected.stdout) {
    console.log(
      `warning: virtkit ${args.join(' ')} differs from virsh (status ${actual.status}) ${actual.stderr}`,
    );
  }
}

function compare(label, args, target) {
  checkSameOutput(args);
  const [virsh, virtkit] = medianMs(tools.virsh(args), tools.virtkit(args));
  const ratio = virtkit / virsh;
  console.log(
    `${label}: virtkit ${virtkit.toFixed(1)} ms, virsh ${virsh.toFixed(1)} ms, ratio ${ratio.toFixed(2)} (target ≤ ${target}) ${ratio <= target ? 'PASS' : 'MISS'}`,
  );
}

for (const [what, path] of [
  ['virtkit bundle', BUNDLE],
  ['virsh', spawnSync('which', ['virsh'], { encoding: 'utf8' }).stdout.trim()],
]) {
  if (!path || !existsSync(path)) {
    console.error(`${what} not found: build packages/cli first, and install libvirt-clients for virsh`);
    process.exit(1);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'virtkit-bench-'));
try {
  const node1000 = join(dir, 'node1000.xml');
  writeFileSync(node1000, makeNode(1000));
  console.log(`${RUNS} cold runs each after ${WARMUP} warm-up runs, median wall time, ${process.version}`);
  // Node's own start-up is the floor under any virtkit figure.
  const [floor] = medianMs([process.execPath, ['-e', '']]);
  console.log(`node -e '' (start-up floor): ${floor.toFixed(1)} ms`);
  compare('list --all cold', ['-c', 'test:///default', 'list', '--all'], 2.5);
  compare('list --all on 1,000 domains', ['-c', `test://${node1000}`, 'list', '--all'], 0.3);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
