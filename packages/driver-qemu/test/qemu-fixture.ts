import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Connection,
  type Domain,
  type DomainEvent,
  type DomainStatus,
  type Driver,
  formatState,
  openConnection,
} from '@virtkit/core';
import { afterEach, expect, vi } from 'vitest';
import { driver, type QemuConnection } from '../src/index.js';
import {
  bootCount,
  killLeftoverQemus,
  makePowerbuttonGuest,
  type PowerbuttonOptions,
} from '../src/testing/index.js';

export { bootCount };

/** What a guest's XML adds to the plain powerbutton guest. */
export type GuestOptions = PowerbuttonOptions;

export interface QemuFixture {
  /** The embed root: every file the driver writes is under it. */
  readonly root: string;
  readonly uri: string;
  /** A copy of the guest image of its own for `name`, and where its serial log goes. */
  guest(name: string, options?: GuestOptions): Promise<{ xml: string; serialLog: string }>;
  /** Creates the embed root without opening it, for a manager in another process. */
  prepare(): Promise<string>;
  /** Opens a connection to the embed root, closed after the test; `env` replaces process.env. */
  open(env?: Record<string, string | undefined>): Promise<Connection>;
  /** Defines and starts guest `name` on a new connection, once it has printed BOOT. */
  running(name: string, options?: GuestOptions): Promise<RunningGuest>;
  /** Like open(), also handing out the driver's own connection (its driver-internal methods). */
  openQemu(env?: Record<string, string | undefined>): Promise<{ conn: Connection; qemu: QemuConnection }>;
}

export interface RunningGuest {
  conn: Connection;
  /** The driver's own connection behind `conn`. */
  qemu: QemuConnection;
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
    if (root !== undefined) await killLeftoverQemus(join(root, 'run', 'qemu'));
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
    async guest(name, options) {
      const { xml, serialLog } = await makePowerbuttonGuest(fixture.root, name, options);
      return { xml, serialLog };
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
    async openQemu(env = process.env) {
      await fixture.prepare();
      let qemu: QemuConnection | undefined;
      const capturing: Driver = {
        ...driver,
        open: async (uri, ctx) => {
          qemu = (await driver.open(uri, ctx)) as QemuConnection;
          return qemu;
        },
      };
      const conn = await openConnection(fixture.uri, { drivers: [capturing], env });
      connections.push(conn);
      if (!qemu) throw new Error('the QEMU driver was not opened');
      return { conn, qemu };
    },
    async running(name, options) {
      const { conn, qemu } = await fixture.openQemu();
      const events = recordEvents(conn);
      const { xml, serialLog } = await fixture.guest(name, options);
      const dom = await conn.defineXml(xml);
      await dom.create();
      await vi.waitFor(async () => expect(await bootCount(serialLog)).toBe(1), GUEST_WAIT);
      return { conn, qemu, dom, events, serialLog };
    },
  };
  return fixture;
}

/** Every event of the connection, as `type(detail)` or the event id. */
export function recordEvents(conn: Connection): string[] {
  const names: string[] = [];
  conn.subscribe({}, (event: DomainEvent) => {
    names.push(event.id === 'lifecycle' ? `${event.type}(${event.detail})` : event.id);
  });
  return names;
}

/**
 * Samples the domain's state every `intervalMs` until `done()` holds (within GUEST_WAIT's
 * timeout); returns each distinct state in the order first seen.
 */
export async function statesUntil(
  dom: Domain,
  done: () => Promise<boolean>,
  intervalMs = 10,
): Promise<string[]> {
  const states: string[] = [];
  await vi.waitFor(
    async () => {
      const state = formatState(await dom.getState(), true);
      if (!states.includes(state)) states.push(state);
      expect(await done()).toBe(true);
    },
    { ...GUEST_WAIT, interval: intervalMs },
  );
  return states;
}

/** The status file the embed root `root` keeps for running domain `name` (pid, job, …). */
export async function savedStatus(root: string, name: string): Promise<DomainStatus | undefined> {
  const text = await readFile(join(root, 'run', 'qemu', 'status', `${name}.json`), 'utf8').catch(
    () => undefined,
  );
  return text === undefined ? undefined : (JSON.parse(text) as { status: DomainStatus }).status;
}
