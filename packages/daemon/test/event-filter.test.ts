import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import {
  type Connection,
  type DomainEvent,
  openConnection,
  type SubscribeFilter,
  type VirtError,
} from '@virtkit/core';
import * as R from '@virtkit/remote';
import { describe, expect, it } from 'vitest';
import { until, useVirtkitd } from './virtkitd-harness.js';

const LIBVIRTD_SOCKET = '/run/libvirt/libvirt-sock';
const SECOND_XML = `<domain type='test'><name>filter-second</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;

function describeEvent(event: DomainEvent): string {
  return `${event.domain.name} ${event.id === 'lifecycle' ? `${event.type}/${event.detail}` : event.id}`;
}

/**
 * Subscribers with overlapping filters on one connection, the domain `test` and a second one
 * defined on the same connection, and the events each subscriber must see exactly once. A
 * one-domain subscriber only sees other domains' events if the server ignores its domain: the
 * client hands each message only to the subscribers of the registration it names.
 */
async function checkServerFiltersByDomain(uri: string): Promise<void> {
  const connection: Connection = await openConnection(uri, { drivers: [R.driver] });
  const second = await connection.defineXml(SECOND_XML);
  try {
    const test = await connection.lookupDomainByName('test');
    const filters: Record<string, SubscribeFilter> = {
      all: { id: 'lifecycle' },
      second: { id: 'lifecycle', domain: second },
      // A subscriber that knows only the UUID: the wire then carries an empty name.
      testByUuid: { id: 'lifecycle', domain: { uuid: test.uuid } },
      secondAnyEvent: { domain: second },
    };
    const seen = Object.fromEntries(Object.keys(filters).map((name) => [name, [] as string[]]));
    const subscriptions = Object.entries(filters).map(([name, filter]) =>
      connection.subscribe(filter, (event) => seen[name]?.push(describeEvent(event))),
    );
    await Promise.all(subscriptions.map((subscription) => subscription.ready));

    await test.suspend();
    await second.create();
    await test.resume();
    await second.destroy();

    const testEvents = ['test suspended/paused', 'test resumed/unpaused'];
    const secondEvents = ['filter-second started/booted', 'filter-second stopped/destroyed'];
    await until(async () => seen.all?.length === 4, 'the all-domains subscriber to see every event');
    // Long enough for a late or doubled delivery to show.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual({
      all: [testEvents[0], secondEvents[0], testEvents[1], secondEvents[1]],
      second: secondEvents,
      testByUuid: testEvents,
      secondAnyEvent: secondEvents,
    });
    for (const subscription of subscriptions) subscription.unsubscribe();
  } finally {
    await second.undefine();
    await connection.close();
  }
}

type Codec = R.XdrCodec<unknown>;
type MessageListener = ConstructorParameters<typeof R.RpcClient>[1];

/** Registrations a client may send that libvirtd refuses or accepts without looking anything up. */
const REGISTRATION_CASES: readonly [string, number, Codec, unknown][] = [
  [
    'callback registration of an event id past the last',
    R.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
    R.RemoteConnectDomainEventCallbackRegisterAnyArgs as Codec,
    { eventID: 99, dom: null },
  ],
  [
    'callback registration of a negative event id',
    R.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
    R.RemoteConnectDomainEventCallbackRegisterAnyArgs as Codec,
    { eventID: -1, dom: null },
  ],
  [
    'old-style registration of an event id past the last',
    R.REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY,
    R.RemoteConnectDomainEventRegisterAnyArgs as Codec,
    { eventID: 99 },
  ],
  [
    'old-style deregistration of an event never registered',
    R.REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER_ANY,
    R.RemoteConnectDomainEventDeregisterAnyArgs as Codec,
    { eventID: 2 },
  ],
  [
    'callback registration for a domain that does not exist, named by UUID only',
    R.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
    R.RemoteConnectDomainEventCallbackRegisterAnyArgs as Codec,
    { eventID: 0, dom: { name: '', uuid: new Uint8Array(16).fill(7), id: -1 } },
  ],
];

/** A bare RPC session on test:///default: libvirt's handshake, then calls with the generated codecs. */
async function openRawSession(socketPath: string, onMessage: MessageListener = () => {}) {
  const socket = createConnection(socketPath);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const rpc = new R.RpcClient(socket, onMessage);
  const call = (proc: number, codec?: Codec, args?: unknown) =>
    rpc.call(
      R.REMOTE_PROGRAM,
      R.REMOTE_PROTOCOL_VERSION,
      proc,
      codec ? R.encodeXdr(codec, args) : new Uint8Array(),
    );
  try {
    const { types } = R.decodeXdr(R.RemoteAuthListRet, await call(R.REMOTE_PROC_AUTH_LIST));
    if (types.includes(R.REMOTE_AUTH_POLKIT)) await call(R.REMOTE_PROC_AUTH_POLKIT);
    await call(R.REMOTE_PROC_CONNECT_OPEN, R.RemoteConnectOpenArgs as Codec, {
      name: 'test:///default',
      flags: 0,
    });
  } catch (error) {
    rpc.close();
    throw error;
  }
  return { call, close: () => rpc.close() };
}

/** What a server answers each registration case with. */
async function registrationAnswers(socketPath: string): Promise<string[]> {
  const session = await openRawSession(socketPath);
  try {
    const answers: string[] = [];
    for (const [, proc, codec, args] of REGISTRATION_CASES) {
      answers.push(
        await session.call(proc, codec, args).then(
          () => 'accepted',
          (error: VirtError) => `${error.code} ${error.domain}: ${error.message}`,
        ),
      );
    }
    return answers;
  } finally {
    session.close();
  }
}

describe.skipIf(!existsSync(LIBVIRTD_SOCKET))(
  'libvirtd 9.0 filters domain events by the registered domain',
  () => {
    it("a one-domain subscriber sees only its domain's events, every subscriber each event once", async () => {
      // libvirtd serves every connection its own test:///default, so nothing here outlives it.
      await checkServerFiltersByDomain(`test+unix:///default?socket=${LIBVIRTD_SOCKET}`);
    });
  },
);

describe('virtkitd filters domain events by the registered domain as libvirtd does', () => {
  const virtkitd = useVirtkitd();

  it("a one-domain subscriber sees only its domain's events, every subscriber each event once", async () => {
    await checkServerFiltersByDomain(virtkitd.daemon.testUri());
  });

  it("sends a one-domain registration only that domain's events, whatever the client does with them", async () => {
    // virtkitd's test:///default is shared, so a bare session can watch what another client does.
    const connection = await openConnection(virtkitd.daemon.testUri(), { drivers: [R.driver] });
    const second = await connection.defineXml(SECOND_XML);
    const received: string[] = [];
    const session = await openRawSession(virtkitd.daemon.rwSocket, (header, body) => {
      if (header.proc !== R.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE) return;
      received.push(R.decodeXdr(R.RemoteDomainEventCallbackLifecycleMsg, body).msg.dom.name);
    });
    try {
      const uuid = Uint8Array.from(Buffer.from(second.uuid.replaceAll('-', ''), 'hex'));
      await session.call(
        R.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
        R.RemoteConnectDomainEventCallbackRegisterAnyArgs as Codec,
        { eventID: 0, dom: { name: '', uuid, id: -1 } },
      );
      const test = await connection.lookupDomainByName('test');
      await test.suspend();
      await second.create();
      await test.resume();
      await second.destroy();
      await until(async () => received.length >= 2, "the watched domain's events");
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(received).toEqual(['filter-second', 'filter-second']);
    } finally {
      session.close();
      await second.undefine();
      await connection.close();
    }
  });

  it.skipIf(!existsSync(LIBVIRTD_SOCKET))(
    'answers malformed and unknown-domain registrations with what libvirtd answers',
    async () => {
      const expected = await registrationAnswers(LIBVIRTD_SOCKET);
      expect(expected).toContain('INTERNAL_ERROR RPC: internal error: unsupported event ID 99');
      expect(await registrationAnswers(virtkitd.daemon.rwSocket)).toEqual(expected);
    },
  );
});
