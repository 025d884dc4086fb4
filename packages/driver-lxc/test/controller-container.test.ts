import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from '@virtkit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONTROLLER_ENTRY, RUN_FILES } from '../src/controller/index.js';
import { killLeftoverControllers, lxcDomainXml, makeBusyboxRootfs } from '../src/testing/index.js';
import {
  ConsoleClient,
  MonitorClient,
  requireBuiltController,
  startController,
  waitFor,
} from './controller-harness.js';

const isRoot = process.getuid?.() === 0;
let base = '';
let rootfs = '';
let runs = 0;
const clients: { close(): void }[] = [];

/** Processes whose pid namespace is `ns` (e.g. pid:[4026532181]). */
async function processesIn(ns: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if ((await readlink(`/proc/${entry}/ns/pid`).catch(() => '')) === ns) found.push(Number(entry));
  }
  return found;
}

async function hostMountsUnder(dir: string): Promise<string[]> {
  const lines = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n');
  return lines.filter((l) => l.split(' ')[4]?.startsWith(dir));
}

/** A fresh run dir and domain name for one container. */
function nextRun(): { runDir: string; name: string } {
  runs += 1;
  return { runDir: join(base, `run${runs}`), name: `vkh2-${process.pid}-${runs}` };
}

async function boot(extra: Parameters<typeof lxcDomainXml>[0] extends infer O ? Partial<O> : never = {}) {
  const { runDir, name } = nextRun();
  const controllerPid = await startController(runDir, lxcDomainXml({ name, rootfs, ...extra }));
  const monitor = await MonitorClient.connect(runDir);
  clients.push(monitor);
  return { runDir, name, controllerPid, monitor };
}

describe.skipIf(!isRoot)('the container controller', () => {
  beforeAll(async () => {
    requireBuiltController();
    base = await mkdtemp(join(tmpdir(), 'vk-h2-'));
    rootfs = await makeBusyboxRootfs(join(base, 'rootfs'));
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await killLeftoverControllers(base);
  });

  afterAll(async () => {
    await killLeftoverControllers(base);
    if (base && (await hostMountsUnder(base)).length === 0) await rm(base, { recursive: true, force: true });
  });

  it('runs init as pid 1 with its own hostname, mounts and libvirt environment, and cleans up after SIGTERM', async () => {
    const { runDir, name, controllerPid, monitor } = await boot({
      initArgs: ['one', 'two words'],
      initEnv: { GREETING: 'hello there' },
      uuid: '8c4e1a2b-1111-4222-8333-944455556666',
    });
    const first = await monitor.next('status');
    expect(first.phase).toMatch(/starting|running/);
    const console = await ConsoleClient.open(runDir);
    clients.push(console);
    expect(console.reply).toEqual({ ok: true });
    const running = await monitor.next('running');
    const pidNs = await readlink(`/proc/${running.initPid}/ns/pid`);
    expect(pidNs).not.toBe(await readlink('/proc/self/ns/pid'));

    // init prints BOOT before it reads the console: past the first command, output is only the commands'.
    await console.run(':');
    expect((await console.run('echo $$')).trim()).toBe('1');
    expect((await console.run('hostname')).trim()).toBe(name);
    const mounts = (await console.run('cat /proc/mounts'))
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[1]);
    expect(new Set(mounts)).toEqual(
      new Set([
        '/',
        '/proc',
        '/proc/sys',
        '/sys',
        '/dev',
        '/dev/pts',
        '/dev/console',
        ...['null', 'zero', 'full', 'random', 'urandom', 'tty'].map((n) => `/dev/${n}`),
      ]),
    );
    const env = (await console.run("tr '\\0' '\\n' </proc/1/environ")).trim().split('\n').sort();
    expect(env).toEqual(
      [
        'PATH=/bin:/sbin',
        'TERM=linux',
        'container=lxc-libvirt',
        'HOME=/',
        'container_uuid=8c4e1a2b-1111-4222-8333-944455556666',
        'LIBVIRT_LXC_UUID=8c4e1a2b-1111-4222-8333-944455556666',
        `LIBVIRT_LXC_NAME=${name}`,
        'LIBVIRT_LXC_CMDLINE=one two words',
        'GREETING=hello there',
      ].sort(),
    );
    expect((await console.run("tr '\\0' '|' </proc/1/cmdline")).trim()).toBe(
      '/bin/sh|/sbin/init|one|two words|',
    );
    expect((await console.run('ls /dev')).split(/\s+/).filter(Boolean).sort()).toEqual([
      'console',
      'fd',
      'full',
      'null',
      'ptmx',
      'pts',
      'random',
      'stderr',
      'stdin',
      'stdout',
      'tty',
      'urandom',
      'zero',
    ]);

    process.kill(running.initPid, 'SIGTERM');
    expect(await monitor.next('exit')).toEqual({ event: 'exit', reason: 'shutdown' });
    await waitFor('console POWEROFF', () => (console.output.includes('POWEROFF') ? true : undefined));
    await waitFor('controller exit', async () => ((await isProcessAlive(controllerPid)) ? undefined : true));
    expect(monitor.closed).toBe(true);
    expect(await processesIn(pidNs)).toEqual([]);
    expect(await hostMountsUnder(rootfs)).toEqual([]);
    for (const dir of running.cgroup.dirs) expect(existsSync(dir)).toBe(false);
    expect(await readdir(runDir)).toEqual([RUN_FILES.def]);
  }, 60_000);

  it('reports reboot when init calls reboot(2) inside its pid namespace', async () => {
    const { runDir, controllerPid, monitor } = await boot();
    const console = await ConsoleClient.open(runDir);
    clients.push(console);
    await monitor.next('running');
    // reboot(2) must only ever run as pid 1 of a new pid namespace, never where the host's init is.
    await console.run(':');
    expect((await console.run('echo $$')).trim()).toBe('1');
    console.socket.write('reboot -f\n');
    expect(await monitor.next('exit')).toEqual({ event: 'exit', reason: 'reboot' });
    await waitFor('controller exit', async () => ((await isProcessAlive(controllerPid)) ? undefined : true));
  }, 60_000);

  it('fails the start with the setup error when init does not exist', async () => {
    const { runDir, controllerPid, monitor } = await boot({ init: '/no/such/init' });
    const exit = await monitor.next('exit');
    expect(exit).toEqual({
      event: 'exit',
      reason: 'error',
      message: "guest failed to start: cannot find init path '/no/such/init' relative to container root",
    });
    expect(monitor.messages.some((m) => m.event === 'running')).toBe(false);
    await waitFor('controller exit', async () => ((await isProcessAlive(controllerPid)) ? undefined : true));
    expect(await hostMountsUnder(rootfs)).toEqual([]);
    expect(await readdir(runDir)).toEqual([RUN_FILES.def]);
  }, 60_000);

  it('outlives the process that spawned it, and on SIGTERM kills the container and leaves exit.json', async () => {
    const { runDir, name } = nextRun();
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(runDir, { recursive: true });
    await writeFile(join(runDir, RUN_FILES.def), lxcDomainXml({ name, rootfs }));
    // A short-lived parent starts the controller detached, prints its pid and exits at once.
    const launcher = `const c=require('child_process').spawn(process.execPath,[${JSON.stringify(CONTROLLER_ENTRY)},${JSON.stringify(runDir)}],{detached:true,stdio:'ignore'});console.log(c.pid);c.unref();`;
    const parent = spawn(process.execPath, ['-e', launcher], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    parent.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await new Promise((resolve) => parent.on('exit', resolve));
    const controllerPid = Number(out.trim());
    expect(await isProcessAlive(controllerPid)).toBe(true);

    const monitor = await MonitorClient.connect(runDir);
    clients.push(monitor);
    const running = await monitor.next('running');
    expect(await isProcessAlive(controllerPid)).toBe(true);
    const pidNs = await readlink(`/proc/${running.initPid}/ns/pid`);
    monitor.close();
    await waitFor('monitor gone', () => (monitor.closed ? true : undefined));

    process.kill(controllerPid, 'SIGTERM');
    await waitFor('controller exit', async () => ((await isProcessAlive(controllerPid)) ? undefined : true));
    expect(JSON.parse(await readFile(join(runDir, RUN_FILES.exit), 'utf8'))).toEqual({
      event: 'exit',
      reason: 'error',
      message: 'controller terminated',
    });
    expect(await processesIn(pidNs)).toEqual([]);
    for (const dir of running.cgroup.dirs) expect(existsSync(dir)).toBe(false);
    expect((await readdir(runDir)).sort()).toEqual([RUN_FILES.exit, RUN_FILES.def].sort());
  }, 60_000);

  it('gives an ethernet <interface> a veth in a network namespace of its own, removed at the end', async () => {
    const { runDir, controllerPid, monitor } = await boot({
      interfaces: [
        "<interface type='ethernet'><mac address='52:54:00:12:34:56'/><target dev='vkh2veth0'/></interface>",
      ],
    });
    const console = await ConsoleClient.open(runDir);
    clients.push(console);
    const running = await monitor.next('running');
    expect(running.veths).toHaveLength(1);
    const [veth] = running.veths;
    expect(existsSync(`/sys/class/net/${veth?.hostName}`)).toBe(true);
    await console.run(':');
    const links = (await console.run('ls /sys/class/net')).split(/\s+/).filter(Boolean).sort();
    expect(links).toEqual([veth?.guestName, 'lo'].sort());
    expect((await console.run(`cat /sys/class/net/${veth?.guestName}/address`)).trim()).toBe(
      '52:54:00:12:34:56',
    );
    process.kill(running.initPid, 'SIGTERM');
    expect(await monitor.next('exit')).toEqual({ event: 'exit', reason: 'shutdown' });
    await waitFor('controller exit', async () => ((await isProcessAlive(controllerPid)) ? undefined : true));
    expect(existsSync(`/sys/class/net/${veth?.hostName}`)).toBe(false);
  }, 60_000);

  it('gives the console to one client at a time; force takes it over', async () => {
    const { runDir, monitor } = await boot();
    await monitor.next('running');
    const a = await ConsoleClient.open(runDir);
    clients.push(a);
    expect(a.reply).toEqual({ ok: true });
    const b = await ConsoleClient.open(runDir);
    clients.push(b);
    expect(b.reply).toEqual({ ok: false, error: 'busy' });
    const c = await ConsoleClient.open(runDir, true);
    clients.push(c);
    expect(c.reply).toEqual({ ok: true });
    await waitFor('first client dropped', () => (a.closed ? true : undefined));
    expect((await c.run('echo taken')).trim()).toBe('taken');
    const running = await monitor.next('running');
    process.kill(running.initPid, 'SIGTERM');
    expect(await monitor.next('exit')).toEqual({ event: 'exit', reason: 'shutdown' });
    await waitFor('console closed', () => (c.closed ? true : undefined));
  }, 60_000);
});
