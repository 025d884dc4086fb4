// A private libvirtd 9.0 that runs only libvirt's LXC driver, for tests and the bench to compare
// virtkit with. Plain ESM so that bench/*.mjs and the vitest tests share it.
//
// Why private: libvirt 9.0's libvirt_lxc fails on a hybrid cgroup layout (v1 controllers plus an
// empty cgroup2 at /sys/fs/cgroup/unified): "Unable to create directory /sys/fs/cgroup/unified".
// Debian 12 ships no modular virtlxcd, so a second libvirtd is started in a mount namespace of its
// own where the cgroup2 mount is gone (a pure-v1 view libvirt handles) and every libvirt state
// directory is a private one, so the system libvirtd and its domains are never touched. Only the
// LXC connection driver is loaded (LIBVIRT_DRIVER_DIR), so no QEMU probing or networks start.
import { execFile, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where the private daemon keeps everything; one per machine, shared by every caller. */
export const ORACLE_DIR = process.env.VIRTKIT_LXC_ORACLE_DIR ?? '/run/virtkit-lxc-oracle';
const LIBVIRTD = '/usr/sbin/libvirtd';
const LIBVIRT_LXC = '/usr/lib/libvirt/libvirt_lxc';
const DRIVER_DIRS = [
  '/usr/lib/x86_64-linux-gnu/libvirt/connection-driver',
  '/usr/lib64/libvirt/connection-driver',
];
/** Host directory → private subdirectory of ORACLE_DIR bound over it inside the namespace. */
const PRIVATE_DIRS = {
  '/run/libvirt': 'run',
  '/var/lib/libvirt': 'lib',
  '/etc/libvirt': 'etc',
  '/var/log/libvirt': 'log',
  '/var/cache/libvirt': 'cache',
};

export const oraclePaths = {
  socket: join(ORACLE_DIR, 'run', 'libvirt-sock'),
  pidFile: join(ORACLE_DIR, 'libvirtd.pid'),
  daemonLog: join(ORACLE_DIR, 'daemon.log'),
  /** libvirt's per-container log: `${containerLogDir}/NAME.log`. */
  containerLogDir: join(ORACLE_DIR, 'log', 'lxc'),
};
export const ORACLE_URI = `lxc:///system?socket=${oraclePaths.socket}`;

/** `virsh -q -c ORACLE_URI ARGS`: its status and output, never throwing. */
export function virsh(args, { timeoutMs = 30_000 } = {}) {
  return new Promise((resolve) => {
    execFile('virsh', ['-q', '-c', ORACLE_URI, ...args], { timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ ok: !error, stdout: String(stdout).trim(), stderr: String(stderr).trim() });
    });
  });
}

function alivePid() {
  try {
    const pid = Number(readFileSync(oraclePaths.pidFile, 'utf8').trim());
    if (!(pid > 0)) return undefined;
    // A stale pid file may name a recycled pid: it must still be a libvirtd.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('libvirtd') ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** How the host mounts cgroups: 'hybrid' needs the cgroup2 mount hidden from libvirt 9.0. */
export function cgroupLayout() {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields[1]?.startsWith('/sys/fs/cgroup'));
  const v2 = mounts.filter((fields) => fields[2] === 'cgroup2').map((fields) => fields[1]);
  const v1 = mounts.some((fields) => fields[2] === 'cgroup');
  if (v2.includes('/sys/fs/cgroup')) return { kind: 'v2', hide: [] };
  return { kind: v1 && v2.length > 0 ? 'hybrid' : 'v1', hide: v2 };
}

/** Why the private daemon cannot run here, or undefined when it can be tried. */
function missingPrerequisite() {
  if (process.getuid?.() !== 0) return 'needs root (libvirt LXC runs containers as root)';
  if (process.env.VIRTKIT_LXC_ORACLE === 'off') return 'VIRTKIT_LXC_ORACLE=off';
  for (const [file, what] of [
    [LIBVIRTD, 'libvirtd (libvirt-daemon)'],
    [LIBVIRT_LXC, 'libvirt_lxc (libvirt-daemon-driver-lxc)'],
  ]) {
    if (!existsSync(file)) return `${what} is not installed: ${file}`;
  }
  if (!lxcDriverModule()) return 'libvirt_driver_lxc.so (libvirt-daemon-driver-lxc) is not installed';
  if (spawnSync('which', ['virsh', 'unshare']).status !== 0) return 'virsh or unshare is missing';
  return undefined;
}

function lxcDriverModule() {
  return DRIVER_DIRS.map((dir) => join(dir, 'libvirt_driver_lxc.so')).find((file) => existsSync(file));
}

/** The namespace's setup: private propagation, pure-v1 cgroup view, private libvirt directories. */
function innerScript(hide) {
  const lines = ['set -e', 'mount --make-rprivate /'];
  for (const mountPoint of hide) lines.push(`umount ${mountPoint}`);
  for (const [hostDir, sub] of Object.entries(PRIVATE_DIRS)) {
    lines.push(`mkdir -p ${hostDir}`, `mount --bind ${join(ORACLE_DIR, sub)} ${hostDir}`);
  }
  lines.push(`exec ${LIBVIRTD} --pid-file ${oraclePaths.pidFile}`);
  return `${lines.join('\n')}\n`;
}

let startedHere = false;
let pending;

/**
 * Starts the private libvirtd once (a running one is reused, whoever started it) and proves it by
 * starting and destroying a probe container. Resolves `{ ok: true, uri, ... }` or
 * `{ ok: false, reason }` with libvirt's own words (its error and controller log).
 */
export function ensureOracle({ probeRootfs } = {}) {
  pending ??= startOracle(probeRootfs).finally(() => {
    pending = undefined;
  });
  return pending;
}

async function startOracle(probeRootfs) {
  const missing = missingPrerequisite();
  if (missing) return { ok: false, reason: missing };
  if (!alivePid() || !(await virsh(['version'])).ok) {
    const started = await launch();
    if (started) return { ok: false, reason: started };
  }
  if (probeRootfs) {
    const failure = await probe(probeRootfs);
    if (failure) return { ok: false, reason: failure };
  }
  return {
    ok: true,
    uri: ORACLE_URI,
    pid: alivePid(),
    cgroupLayout: cgroupLayout().kind,
    containerLogDir: oraclePaths.containerLogDir,
  };
}

async function launch() {
  for (const sub of [...Object.values(PRIVATE_DIRS), 'drivers']) {
    mkdirSync(join(ORACLE_DIR, sub), { recursive: true });
  }
  const module = join(ORACLE_DIR, 'drivers', 'libvirt_driver_lxc.so');
  rmSync(module, { force: true });
  symlinkSync(lxcDriverModule(), module);
  const script = join(ORACLE_DIR, 'inner.sh');
  writeFileSync(script, innerScript(cgroupLayout().hide));
  rmSync(oraclePaths.pidFile, { force: true });
  const log = openSync(oraclePaths.daemonLog, 'a');
  const child = spawn('unshare', ['--mount', '--propagation', 'private', '/bin/sh', script], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, LIBVIRT_DRIVER_DIR: join(ORACLE_DIR, 'drivers') },
  });
  closeSync(log);
  let exited;
  child.on('exit', (code, signal) => {
    exited = signal ?? code;
  });
  child.unref();
  for (let i = 0; i < 100; i++) {
    if (exited !== undefined) break;
    if (existsSync(oraclePaths.socket) && (await virsh(['version'])).ok) {
      startedHere = true;
      return undefined;
    }
    await sleep(100);
  }
  const tail = readFileSync(oraclePaths.daemonLog, 'utf8').trim().split('\n').slice(-5).join('\n');
  if (exited === undefined) child.kill('SIGKILL');
  return `private libvirtd did not come up (exit ${exited ?? 'timeout'}): ${tail}`;
}

const PROBE = 'virtkit-oracle-probe';

/** One transient container started and destroyed: libvirt's error and log when that fails. */
async function probe(rootfs) {
  const xml = join(ORACLE_DIR, `${PROBE}.xml`);
  writeFileSync(
    xml,
    `<domain type='lxc'><name>${PROBE}</name><memory unit='KiB'>65536</memory>` +
      `<os><type>exe</type><init>/bin/sh</init></os><devices>` +
      `<filesystem type='mount'><source dir='${rootfs}'/><target dir='/'/></filesystem>` +
      `<console type='pty'/></devices></domain>`,
  );
  const created = await virsh(['create', xml]);
  await virsh(['destroy', PROBE]);
  rmSync(xml, { force: true });
  if (created.ok) return undefined;
  let log = '';
  try {
    log = readFileSync(join(oraclePaths.containerLogDir, `${PROBE}.log`), 'utf8')
      .split('\n')
      .filter((line) => /error|Failure/.test(line))
      .join('\n');
  } catch {}
  return `libvirt LXC cannot start a container here: ${created.stderr}${log ? `\n${log}` : ''}`;
}

/**
 * Destroys every container of the private daemon, undefines its persistent ones, stops it and
 * removes its directory. Only the process that started it stops it, unless `force`.
 */
export async function stopOracle({ force = false } = {}) {
  await pending?.catch(() => {});
  const pid = alivePid();
  if (!pid || (!startedHere && !force)) return;
  const listed = await virsh(['list', '--all', '--name']);
  for (const name of listed.stdout.split('\n').filter(Boolean)) {
    await virsh(['destroy', name]);
    await virsh(['undefine', name]);
  }
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alivePid(); i++) await sleep(100);
  if (alivePid()) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && existsSync(`/proc/${pid}`); i++) await sleep(100);
  rmSync(ORACLE_DIR, { recursive: true, force: true });
  startedHere = false;
}
