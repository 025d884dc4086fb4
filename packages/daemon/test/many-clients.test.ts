import { type Connection, type Domain, type DomainEvent, openConnection } from '@virtkit/core';
import { bootCount, makePowerbuttonGuest } from '@virtkit/driver-qemu/testing';
import { driver } from '@virtkit/remote';
import { describe, expect, it } from 'vitest';
import { rssKiB, until, useVirtkitd } from './virtkitd-harness.js';

const CLIENTS = 50;
const COMMANDS_PER_CLIENT = 100;
const QEMU_GUESTS = 3;
const QEMU_PAUSE_CYCLES = 5;

type Step = { run(domain: Domain): Promise<void>; events: readonly string[] };

/** The lifecycle commands and the lifecycle events libvirt emits for each on the test driver. */
const CYCLE: readonly Step[] = [
  { run: (domain) => domain.create(), events: ['started/booted'] },
  { run: (domain) => domain.suspend(), events: ['suspended/paused'] },
  { run: (domain) => domain.resume(), events: ['resumed/unpaused'] },
  { run: (domain) => domain.destroy(), events: ['stopped/destroyed'] },
];

/**
 * QEMU's start: libvirt's RESUME handler (qemuProcessHandleResume) reports the vCPUs' first
 * `cont` as resumed/unpaused before the start's own started/booted.
 */
const QEMU_START: Step = { run: (domain) => domain.create(), events: ['resumed/unpaused', 'started/booted'] };

/** QEMU's destroy: the SIGTERM makes QEMU report SHUTDOWN (host-signal), passed on before the stop. */
const QEMU_DESTROY: Step = {
  run: (domain) => domain.destroy(),
  events: ['shutdown/host', 'stopped/destroyed'],
};

function lifecycleOf(event: DomainEvent): string {
  return event.id === 'lifecycle' ? `${event.type}/${event.detail}` : event.id;
}

/** A client of its own: a connection, and every lifecycle event it was told about its domain. */
interface Client {
  connection: Connection;
  domain: Domain;
  events: string[];
}

async function openClient(uri: string, xml: string): Promise<Client> {
  const connection = await openConnection(uri, { drivers: [driver] });
  const domain = await connection.defineXml(xml);
  const events: string[] = [];
  const subscription = connection.subscribe({ domain: domain.ref, id: 'lifecycle' }, (event) =>
    events.push(lifecycleOf(event)),
  );
  await subscription.ready;
  return { connection, domain, events };
}

/** Runs `count` commands round the start/suspend/resume/destroy cycle; the events they must cause. */
async function runCycle(domain: Domain, count: number, cycle = CYCLE): Promise<string[]> {
  const expected: string[] = [];
  for (let i = 0; i < count; i++) {
    const step = cycle[i % cycle.length] as Step;
    await step.run(domain);
    expected.push(...step.events);
  }
  return expected;
}

/** Waits for every client's events to catch up with its commands, then a little longer so a duplicate would show. */
async function settledEvents(clients: readonly Client[], expected: readonly string[][]): Promise<string[][]> {
  await until(
    async () => clients.every((client, i) => client.events.length >= (expected[i]?.length ?? 0)),
    "every client's events",
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  return clients.map((client) => [...client.events]);
}

function testDomainXml(name: string): string {
  return `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;
}

describe('virtkitd under many concurrent clients', () => {
  const virtkitd = useVirtkitd();

  it(`${CLIENTS} clients × ${COMMANDS_PER_CLIENT} lifecycle commands on the shared test:///default: every command succeeds, every event arrives once`, async () => {
    const pid = virtkitd.daemon.process.pid as number;
    const before = await rssKiB(pid);
    // One more client sees every domain's events: the sum over all clients, none lost or doubled.
    const observer = await openConnection(virtkitd.daemon.testUri(), { drivers: [driver] });
    const seen = new Map<string, string[]>();
    await observer.subscribe({ id: 'lifecycle' }, (event) => {
      seen.set(event.domain.name, [...(seen.get(event.domain.name) ?? []), lifecycleOf(event)]);
    }).ready;

    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) =>
        openClient(virtkitd.daemon.testUri(), testDomainXml(`load-${i}`)),
      ),
    );
    try {
      const expected = await Promise.all(
        clients.map((client) => runCycle(client.domain, COMMANDS_PER_CLIENT)),
      );
      expect(await settledEvents(clients, expected)).toEqual(expected);
      // The observer saw each domain defined, then exactly what its client saw.
      expect(clients.map((client) => seen.get(client.domain.name))).toEqual(
        expected.map((events) => ['defined/added', ...events]),
      );
      const after = await rssKiB(pid);
      console.log(
        `virtkitd RSS: ${before} KiB before, ${after} KiB after ${CLIENTS * COMMANDS_PER_CLIENT} commands from ${CLIENTS} clients`,
      );
      expect(after).toBeLessThan(before + 256 * 1024);
    } finally {
      for (const client of clients) {
        await client.domain.undefine();
        await client.connection.close();
      }
      await observer.close();
    }
  }, 60_000);

  it(`${QEMU_GUESTS} clients drive QEMU guests through start, suspend/resume and destroy concurrently`, async () => {
    const uri = `qemu+unix:///system?socket=${virtkitd.daemon.rwSocket}`;
    const guests = await Promise.all(
      Array.from({ length: QEMU_GUESTS }, (_, i) => makePowerbuttonGuest(virtkitd.daemon.root, `pb-${i}`)),
    );
    const clients = await Promise.all(guests.map((guest) => openClient(uri, guest.xml)));
    try {
      const results = await Promise.all(
        clients.map(async (client, i) => {
          const started = await runCycle(client.domain, 1, [QEMU_START]);
          const serialLog = guests[i]?.serialLog as string;
          await until(async () => (await bootCount(serialLog)) >= 1, `${client.domain.name} to boot`, 20_000);
          const paused = await runCycle(client.domain, 2 * QEMU_PAUSE_CYCLES, CYCLE.slice(1, 3));
          const stopped = await runCycle(client.domain, 1, [QEMU_DESTROY]);
          return [...started, ...paused, ...stopped];
        }),
      );
      expect(await settledEvents(clients, results)).toEqual(results);
    } finally {
      for (const client of clients) {
        await client.domain.undefine();
        await client.connection.close();
      }
    }
  }, 60_000);
});
