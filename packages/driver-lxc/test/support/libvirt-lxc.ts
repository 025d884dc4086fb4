/**
 * libvirt's own LXC driver as ground truth for tests: a private libvirtd (see
 * libvirt-lxc-daemon.mjs for why and how), a busybox rootfs, and recorders for what libvirt
 * reports (`virsh event --all --loop`, `virsh domstate --reason`).
 *
 *     const lxc = await libvirtLxc();           // once per file, in beforeAll
 *     if (!lxc.ok) ctx.skip(lxc.reason);         // e.g. not root, libvirt LXC not installed
 *     ... virsh -c lxc.uri ...
 *     await stopLibvirtLxc();                    // afterAll: stops it only if this process started it
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ensureOracle,
  ORACLE_URI,
  type OracleResult,
  oraclePaths,
  stopOracle,
  type VirshResult,
  virsh,
} from './libvirt-lxc-daemon.mjs';

export { ORACLE_URI, type OracleResult, oraclePaths, type VirshResult, virsh };

const BUSYBOX = '/bin/busybox';

/**
 * The init the oracle containers run: logs each boot to /boots, exits 0 on SIGTERM (so a
 * signal shutdown is a clean one), and calls `reboot -f` when /reboot-request appears — only
 * when it is pid 1, i.e. inside its own pid namespace, so it can never reach the host's init.
 */
export const ORACLE_INIT = `#!/bin/sh
echo boot >> /boots
echo "INIT pid=$$"
trap 'echo GOT-TERM; exit 0' TERM
while :; do
  if [ "$$" = 1 ] && [ -e /reboot-request ]; then rm -f /reboot-request; echo REBOOTING; reboot -f; fi
  sleep 0.05 & wait $!
done
`;

/**
 * A busybox rootfs in `dir`: /bin/busybox, a symlink per applet, empty mount points, and
 * `/init.sh` (ORACLE_INIT unless `init` is given).
 */
export async function makeOracleRootfs(dir: string, init: string = ORACLE_INIT): Promise<string> {
  for (const sub of ['bin', 'sbin', 'proc', 'sys', 'dev', 'tmp', 'etc']) {
    await mkdir(join(dir, sub), { recursive: true });
  }
  await copyFile(BUSYBOX, join(dir, 'bin', 'busybox'));
  await chmod(join(dir, 'bin', 'busybox'), 0o755);
  const applets = await run(BUSYBOX, ['--list']);
  for (const applet of applets.split('\n').filter((name) => name && name !== 'busybox')) {
    await symlink('busybox', join(dir, 'bin', applet)).catch(() => {});
  }
  await writeFile(join(dir, 'init.sh'), init, { mode: 0o755 });
  return dir;
}

/** The domain XML both libvirt and virtkit get: busybox rootfs at /, a pty console, 64 MiB. */
export function oracleDomainXml(options: { name: string; rootfs: string; init?: string }): string {
  return `<domain type='lxc'>
  <name>${options.name}</name>
  <memory unit='KiB'>65536</memory>
  <os><type>exe</type><init>${options.init ?? '/init.sh'}</init></os>
  <devices>
    <filesystem type='mount'><source dir='${options.rootfs}'/><target dir='/'/></filesystem>
    <console type='pty'/>
  </devices>
</domain>
`;
}

let probeDir: string | undefined;

/**
 * A working libvirt LXC URI, or why there is none. Starts the private libvirtd once (reused when
 * already running) and proves it by starting and destroying a probe container.
 */
export async function libvirtLxc(): Promise<OracleResult> {
  probeDir ??= await makeOracleRootfs(await mkdtemp(join(tmpdir(), 'vk-lxc-oracle-probe-')));
  return ensureOracle({ probeRootfs: probeDir });
}

/** Stops the private libvirtd (if this process started it, or `force`) and removes the probe rootfs. */
export async function stopLibvirtLxc(options: { force?: boolean } = {}): Promise<void> {
  await stopOracle(options);
  if (probeDir) await rm(probeDir, { recursive: true, force: true });
  probeDir = undefined;
}

/** One event as virsh prints it, shortened: `lifecycle Started Booted`, `reboot`. */
export interface OracleEvent {
  readonly at: number;
  readonly domain: string;
  readonly text: string;
}

const EVENT_LINE = /^(\S+ \S+): event '([^']+)' for domain '([^']+)'(?:: (.*))?$/;

/** `virsh event --all --loop --timestamp` on the oracle, parsed as the lines arrive. */
export class OracleEvents {
  readonly events: OracleEvent[] = [];
  readonly #child: ChildProcess;

  constructor(uri: string = ORACLE_URI) {
    this.#child = spawn(
      'stdbuf',
      ['-oL', 'virsh', '-q', '-c', uri, 'event', '--all', '--loop', '--timestamp'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    if (!this.#child.stdout) throw new Error('virsh event has no stdout');
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      const match = EVENT_LINE.exec(line.trim());
      if (!match) return;
      const [, stamp, kind, domain, detail] = match;
      this.events.push({
        at: Date.parse(`${stamp?.replace(' ', 'T').replace(/\+0000$/, 'Z')}`),
        domain: domain ?? '',
        text: detail ? `${kind} ${detail}` : `${kind}`,
      });
    });
  }

  /** virsh registers its callbacks a moment after it starts; events before that are lost. */
  async listening(): Promise<void> {
    await sleep(500);
  }

  /** The texts of `domain`'s events from index `from` on. */
  textsFor(domain: string, from = 0): string[] {
    return this.events
      .slice(from)
      .filter((event) => event.domain === domain)
      .map((event) => event.text);
  }

  close(): void {
    this.#child.kill('SIGTERM');
  }
}

/** Polls `virsh domstate --reason` until stopped, keeping each state that differs from the last. */
export class StatePoller {
  readonly states: string[] = [];
  #running = true;
  readonly #done: Promise<void>;

  constructor(domain: string, intervalMs = 10) {
    this.#done = (async () => {
      while (this.#running) {
        const result = await virsh(['domstate', '--reason', domain]);
        const state = result.ok ? result.stdout : `error: ${result.stderr.replace(/^error: /, '')}`;
        if (this.states.at(-1) !== state) this.states.push(state);
        await sleep(intervalMs);
      }
    })();
  }

  /** The latest state seen. */
  get current(): string | undefined {
    return this.states.at(-1);
  }

  async stop(): Promise<string[]> {
    this.#running = false;
    await this.#done;
    return this.states;
  }
}

/** Waits until `check` holds, polling every 20 ms; throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${file} exited ${code}`))));
  });
}
