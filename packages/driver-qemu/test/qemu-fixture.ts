import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, type Domain, type DomainEvent, openConnection } from '@virtkit/core';
import { afterEach, expect, vi } from 'vitest';
import { driver, killProcess, readPidfile } from '../src/index.js';

const GUEST_IMAGE = new URL('../../../../shared/guest/powerbutton.img', import.meta.url).pathname;

/** A TCG guest running the powerbutton image, its first serial port logged to `serialLog`. */
export function guestXml(name: string, image: string, serialLog: string): string {
  return `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='${image}'/>
      <target dev='hda' bus='ide'/>
    </disk>
    <serial type='file'><source path='${serialLog}'/><target port='0'/></serial>
  </devices>
</domain>`;
}

export interface QemuFixture {
  /** The embed root: every file the driver writes is under it. */
  readonly root: string;
  readonly uri: string;
  /** A copy of the guest image of its own for `name`, and where its serial log goes. */
  guest(name: string): Promise<{ xml: string; serialLog: string }>;
  /** Creates the embed root without opening it, for a manager in another process. */
  prepare(): Promise<string>;
  /** Opens a connection to the embed root, closed after the test; `env` replaces process.env. */
  open(env?: Record<string, string | undefined>): Promise<Connection>;
  /** Defines and starts guest `name` on a new connection, once it has printed BOOT. */
  running(name: string): Promise<RunningGuest>;
}

export interface RunningGuest {
  conn: Connection;
  dom: Domain;
  /** The connection's events since before the define. */
  events: string[];
  serialLog: string;
}

/** Polling for what the guest prints; TCG boots it in well under a second. */
export const GUEST_WAIT = { timeout: 20_000, interval: 20 };

/**
 * A fresh embed root per test. After each test, even a failed one, every QEMU still running
 * under the root is killed, connections are closed and the root is removed.
 */
export function useQemuFixture(): QemuFixture {
  let root: string | undefined;
  let connections: Connection[] = [];
  afterEach(async () => {
    if (root !== undefined) await killLeftovers(join(root, 'run', 'qemu'));
    for (const conn of connections) await conn.close().catch(() => {});
    if (root !== undefined) await rm(root, { recursive: true, force: true });
    root = undefined;
    connections = [];
  });
  const fixture: QemuFixture = {
    get root() {
      if (root === undefined) throw new Error('the fixture is set up by open()');
      return root;
    },
    get uri() {
      return `qemu:///embed?root=${fixture.root}`;
    },
    async guest(name) {
      const image = join(fixture.root, `${name}.img`);
      const serialLog = join(fixture.root, `${name}.serial.log`);
      await copyFile(GUEST_IMAGE, image);
      return { xml: guestXml(name, image, serialLog), serialLog };
    },
    async prepare() {
      root ??= await mkdtemp(join(tmpdir(), 'vkq-'));
      return root;
    },
    async open(env = process.env) {
      await fixture.prepare();
      const conn = await openConnection(fixture.uri, { drivers: [driver], env });
      connections.push(conn);
      return conn;
    },
    async running(name) {
      const conn = await fixture.open();
      const events = recordEvents(conn);
      const { xml, serialLog } = await fixture.guest(name);
      const dom = await conn.defineXml(xml);
      await dom.create();
      await vi.waitFor(async () => expect(await bootCount(serialLog)).toBe(1), GUEST_WAIT);
      return { conn, dom, events, serialLog };
    },
  };
  return fixture;
}

/** Kills the QEMU of every run directory (domain-ID-NAME/qemu.pid) left under the state dir. */
export async function killLeftovers(stateDir: string): Promise<void> {
  const runs = await readdir(stateDir).catch(() => [] as string[]);
  for (const run of runs.filter((entry) => entry.startsWith('domain-'))) {
    const pid = await readPidfile(join(stateDir, run, 'qemu.pid')).catch(() => undefined);
    if (pid !== undefined) await killProcess(pid, { termTimeoutMs: 2000 }).catch(() => {});
  }
}

/** How many times the guest has printed BOOT. */
export async function bootCount(serialLog: string): Promise<number> {
  return (await readFile(serialLog, 'utf8').catch(() => '')).split('BOOT').length - 1;
}

/** Every event of the connection, as `type(detail)` or the event id. */
export function recordEvents(conn: Connection): string[] {
  const names: string[] = [];
  conn.subscribe({}, (event: DomainEvent) => {
    names.push(event.id === 'lifecycle' ? `${event.type}(${event.detail})` : event.id);
  });
  return names;
}
