import { afterEach, beforeEach, it, type TestContext } from 'vitest';
import type { Connection, Domain, DriverOperation } from '../driver/index.js';
import { EventRecorder, lifecycle } from './event-recorder.js';
import { expectNoSupport } from './expect-virt-error.js';
import type { RefusalCase, RefusalExpectation } from './refusals.js';

/** The groups of checks; list some in `skip` to leave them out. */
export const CONFORMANCE_GROUPS = [
  'lookup',
  'define',
  'transient',
  'start',
  'suspend',
  'resume',
  'shutdown',
  'reboot',
  'destroy',
  'event-order',
  'invalid-transitions',
  'no-support',
] as const;

export type ConformanceGroup = (typeof CONFORMANCE_GROUPS)[number];

export interface DriverConformanceOptions {
  /** Names the suite: "driver conformance: NAME". */
  name: string;
  /** Opens a fresh read-write connection; the kit closes it after each check. */
  open: () => Promise<Connection>;
  /** A complete domain XML for a guest called `name`, with no `<uuid>` so each is unique. */
  sampleDomainXml: (name: string) => string;
  /** Groups of checks to leave out (e.g. `reboot` where the guest cannot reboot). */
  skip?: readonly ConformanceGroup[];
  /**
   * The lifecycle events a start raises, in order; default `['started(booted)']`. libvirt's
   * QEMU driver reports `['resumed(unpaused)', 'started(booted)']` (the cont's RESUME first).
   */
  startEvents?: readonly string[];
  /**
   * The lifecycle events a destroy of a running guest raises, in order; default
   * `['stopped(destroyed)']`. libvirt's QEMU driver passes on QEMU's SHUTDOWN (host-signal)
   * from the destroy's SIGTERM first: `['shutdown(host)', 'stopped(destroyed)']`.
   */
  destroyEvents?: readonly string[];
  /**
   * Whether a guest that shuts down reports `shutdown(finished|guest|host)` before
   * `stopped(shutdown)`; default true. libvirt's LXC driver has no such step: its container's
   * init just ends, and only `stopped(shutdown)` is raised.
   */
  shutdownEvent?: boolean;
  /** The driver's own answers where libvirt's drivers differ; the rest are the QEMU driver's. */
  refusals?: Partial<Record<RefusalCase, RefusalExpectation>>;
  /**
   * Waits until a just-started guest can take requests, where the driver's start returns before
   * the guest listens: a container's init drops signals until it has set its handlers.
   */
  guestReady?: (dom: Domain) => Promise<void>;
  /** How long to wait for each asynchronous event; default 10 s. */
  eventTimeoutMs?: number;
}

/** What each check works with: a fresh connection, and domains cleaned up after it. */
export interface Harness {
  readonly conn: Connection;
  readonly options: DriverConformanceOptions;
  readonly timeoutMs: number;
  /** Defines a domain with a unique name (tracked for cleanup) and records its events. */
  define(): Promise<{ dom: Domain; events: EventRecorder }>;
  /** Defines and starts a domain, having seen its started(booted) event. */
  running(): Promise<{ dom: Domain; events: EventRecorder }>;
  /** Records the events of the domain called `name`, which may not exist yet. */
  record(name: string): EventRecorder;
  /** Registers a domain made some other way for cleanup. */
  track(dom: Domain): Domain;
  /** A name no domain has. */
  newName(): string;
  /**
   * Gates a check on driver operations: for each one the driver lacks, asserts that it
   * answers NO_SUPPORT naming its libvirt API, then skips the check.
   */
  requires(ctx: TestContext, ...operations: DriverOperation[]): Promise<void>;
}

export type Check = (title: string, body: (harness: Harness, ctx: TestContext) => Promise<void>) => void;

let runCounter = 0;

/** Registers the per-check setup and cleanup in the current describe, and returns the `check` to declare checks with. */
export function useHarness(options: DriverConformanceOptions): Check {
  const timeoutMs = options.eventTimeoutMs ?? 10_000;
  const run = `vkc${Date.now().toString(36)}${(runCounter++).toString(36)}`;
  let names = 0;
  let conn: Connection | undefined;
  let tracked: Domain[] = [];
  let recorders: EventRecorder[] = [];

  beforeEach(async () => {
    conn = await options.open();
  });

  afterEach(async () => {
    for (const recorder of recorders) recorder.stop();
    // Best effort: a check may have left its domain in any state, or already removed it.
    for (const dom of tracked) {
      await dom.destroy().catch(() => {});
      await dom.undefine().catch(() => {});
    }
    tracked = [];
    recorders = [];
    await conn?.close();
    conn = undefined;
  });

  const harness: Harness = {
    get conn() {
      if (!conn) throw new Error('no connection: checks run between setup and cleanup');
      return conn;
    },
    options,
    timeoutMs,
    newName: () => `${run}-${names++}`,
    record(name) {
      const recorder = new EventRecorder(harness.conn, name, timeoutMs);
      recorders.push(recorder);
      return recorder;
    },
    track(dom) {
      tracked.push(dom);
      return dom;
    },
    async define() {
      const name = harness.newName();
      const events = harness.record(name);
      const dom = harness.track(await harness.conn.defineXml(options.sampleDomainXml(name)));
      return { dom, events };
    },
    async running() {
      const defined = await harness.define();
      await defined.dom.create();
      await defined.events.next(lifecycle('started', 'booted'), 'started(booted)');
      await harness.options.guestReady?.(defined.dom);
      return defined;
    },
    async requires(ctx, ...operations) {
      const missing = operations.filter((operation) => !harness.conn.supports(operation));
      for (const operation of missing) await expectNoSupport(harness.conn, operation);
      if (missing.length > 0) ctx.skip(`driver lacks ${missing.join(', ')}`);
    },
  };

  return (title, body) => it(title, (ctx) => body(harness, ctx), timeoutMs * 3);
}
