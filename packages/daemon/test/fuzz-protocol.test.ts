import { readFile } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { type Connection, openConnection } from '@virtkit/core';
import {
  decodeXdr,
  driver,
  encodePacket,
  encodeXdr,
  errorFromWire,
  isKeepalive,
  keepalivePing,
  type MessageHeader,
  MessageStatus,
  MessageType,
  type Packet,
  PacketDecoder,
  REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
  REMOTE_PROC_CONNECT_GET_HOSTNAME,
  REMOTE_PROC_CONNECT_GET_LIB_VERSION,
  REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS,
  REMOTE_PROC_CONNECT_OPEN,
  REMOTE_PROC_DOMAIN_GET_STATE,
  REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME,
  REMOTE_PROCEDURES,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
  RemoteConnectDomainEventCallbackRegisterAnyArgs,
  RemoteConnectListAllDomainsArgs,
  RemoteConnectOpenArgs,
  RemoteDomainGetStateArgs,
  RemoteDomainLookupByNameArgs,
  RemoteError,
  VIR_NET_MESSAGE_MAX,
} from '@virtkit/remote';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningVirtkitd, removeRoot, rssKiB, startVirtkitd, tempRoot } from './virtkitd-harness.js';

/** Printed, so a failing run can be replayed by setting FUZZ_SEED. */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const PROBE_SERIAL = 0xfeedbeef;
/** How long a case waits for its probe: past it, the daemon is waiting for the rest of a claimed packet. */
const PROBE_WAIT_MS = 300;
const PARALLEL = 32;

/** mulberry32: a small seeded generator, so the fuzz is reproducible. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
    bytes: (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(256)),
  };
}
type Random = ReturnType<typeof generator>;

const call = (proc: number, serial: number, body?: Uint8Array): Uint8Array =>
  encodePacket(
    {
      prog: REMOTE_PROGRAM,
      vers: REMOTE_PROTOCOL_VERSION,
      proc,
      type: MessageType.CALL,
      serial,
      status: MessageStatus.OK,
    },
    body,
  );

const connectOpen = (serial: number): Uint8Array =>
  call(
    REMOTE_PROC_CONNECT_OPEN,
    serial,
    encodeXdr(RemoteConnectOpenArgs, { name: 'test:///default', flags: 0 }),
  );

/** One raw connection to the daemon: the packets it got back, and whether the daemon hung up. */
class RawSession {
  readonly packets: Packet[] = [];
  closed = false;
  readonly #socket: Socket;
  readonly #decoder = new PacketDecoder();
  readonly #waiters = new Set<() => void>();

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const packet of this.#decoder.push(chunk)) {
        // The decoder's body is a view into the chunk; keep a copy.
        this.packets.push({ header: packet.header, body: Uint8Array.from(packet.body) });
      }
      this.#notify();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.#notify();
    });
  }

  static open(path: string): Promise<RawSession> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      socket.once('connect', () => resolve(new RawSession(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: Uint8Array): void {
    if (!this.closed) this.#socket.write(bytes);
  }

  reply(serial: number): Packet | undefined {
    return this.packets.find(
      (packet) => packet.header.serial === serial && packet.header.type === MessageType.REPLY,
    );
  }

  /** Resolves true once `check` holds, false when the daemon closes first or `ms` pass. */
  waitFor(check: () => boolean, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const settle = (): void => {
        if (!check() && !this.closed) return;
        this.#waiters.delete(settle);
        clearTimeout(timer);
        resolve(check());
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(settle);
        resolve(check());
      }, ms);
      this.#waiters.add(settle);
      settle();
    });
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

type Outcome = 'answered' | 'closed' | 'waiting';

/**
 * What the daemon may send back to anything a client writes: keepalive, or a REPLY that is
 * either OK with the procedure's result or ERROR with a well-formed remote_error.
 */
function checkWellFormed(packet: Packet): void {
  const { header, body } = packet;
  if (isKeepalive(header)) return;
  expect(header.type).toBe(MessageType.REPLY);
  if (header.status === MessageStatus.ERROR) {
    const error = decodeXdr(RemoteError, body);
    expect(error.message).toEqual(expect.any(String));
    return;
  }
  expect(header.status).toBe(MessageStatus.OK);
  expect(header.prog).toBe(REMOTE_PROGRAM);
  const ret = REMOTE_PROCEDURES.get(header.proc)?.ret;
  if (ret) decodeXdr(ret, body);
}

/**
 * Sends `bytes` on a fresh connection (after CONNECT_OPEN when `open`), then a probe call, and
 * reports whether the probe was answered, the daemon hung up, or it is still waiting for bytes.
 */
async function runCase(path: string, bytes: Uint8Array, open: boolean): Promise<Outcome> {
  const session = await RawSession.open(path);
  try {
    if (open) {
      session.send(connectOpen(1));
      expect(await session.waitFor(() => session.reply(1) !== undefined, 5000)).toBe(true);
      expect(session.reply(1)?.header.status).toBe(MessageStatus.OK);
    }
    session.send(bytes);
    session.send(call(REMOTE_PROC_CONNECT_GET_LIB_VERSION, PROBE_SERIAL));
    const answered = await session.waitFor(() => session.reply(PROBE_SERIAL) !== undefined, PROBE_WAIT_MS);
    for (const packet of session.packets) checkWellFormed(packet);
    if (answered) return 'answered';
    return session.closed ? 'closed' : 'waiting';
  } finally {
    session.destroy();
  }
}

/** Runs `cases` PARALLEL at a time; how many ended each way. */
async function runCases(
  path: string,
  cases: readonly { bytes: Uint8Array; open: boolean }[],
): Promise<Record<Outcome, number>> {
  const counts: Record<Outcome, number> = { answered: 0, closed: 0, waiting: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const { bytes, open } = cases[next++] as (typeof cases)[number];
      counts[await runCase(path, bytes, open)]++;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return counts;
}

/** Valid calls of read-only procedures: the seeds the mutations start from. */
function validCalls(testUuid: string): Uint8Array[] {
  const dom = {
    name: 'test',
    uuid: Uint8Array.from(Buffer.from(testUuid.replaceAll('-', ''), 'hex')),
    id: 1,
  };
  return [
    call(REMOTE_PROC_CONNECT_GET_HOSTNAME, 7),
    call(REMOTE_PROC_CONNECT_GET_LIB_VERSION, 8),
    call(REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, 9, encodeXdr(RemoteDomainLookupByNameArgs, { name: 'test' })),
    call(REMOTE_PROC_DOMAIN_GET_STATE, 10, encodeXdr(RemoteDomainGetStateArgs, { dom, flags: 0 })),
    call(
      REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS,
      11,
      encodeXdr(RemoteConnectListAllDomainsArgs, { need_results: 1, flags: 0 }),
    ),
    keepalivePing(),
  ];
}

const withLength = (bytes: Uint8Array, length: number): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  new DataView(copy.buffer).setUint32(0, length >>> 0);
  return copy;
};

/** Each mutation of a valid packet a hostile or broken client might send. */
const MUTATIONS: readonly ((packet: Uint8Array, random: Random) => Uint8Array)[] = [
  (packet, random) => {
    const copy = Uint8Array.from(packet);
    for (let flips = 1 + random.int(8); flips > 0; flips--) {
      const bit = random.int(copy.length * 8);
      copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
    }
    return copy;
  },
  (packet, random) => withLength(packet.subarray(0, 28 + random.int(packet.length - 27)), packet.length),
  (packet, random) => packet.subarray(0, random.int(packet.length)),
  (packet, random) =>
    withLength(packet, random.pick([0, 4, 27, packet.length - 4, VIR_NET_MESSAGE_MAX + 5, 2 ** 32 - 1])),
  (packet, random) => {
    // A header field (prog, vers, proc, type, serial, status) set to something random or nearly valid.
    const copy = Uint8Array.from(packet);
    const field = 4 + 4 * random.int(6);
    new DataView(copy.buffer).setUint32(
      field,
      random.pick([random.int(2 ** 32), random.int(16), 0x20008086]),
    );
    return copy;
  },
  (packet, random) => {
    const garbage = random.bytes(random.int(96));
    return withLength(Uint8Array.from([...packet.subarray(0, 28), ...garbage]), 28 + garbage.length);
  },
];

/** A CALL of a random real procedure whose body is garbage. */
function garbageCall(random: Random): Uint8Array {
  const procs = [...REMOTE_PROCEDURES.keys()];
  return call(
    random.pick(procs),
    random.int(1000),
    random.bytes(4 * random.int(24) + random.pick([0, 0, 0, 1, 3])),
  );
}

/** Random bytes; half of them framed with a correct length word, so they reach header and body decoding. */
function randomBytes(random: Random): Uint8Array {
  const bytes = random.bytes(random.int(200));
  return random.int(2) === 0 || bytes.length < 28 ? bytes : withLength(bytes, bytes.length);
}

describe('virtkitd against malformed and hostile clients', () => {
  let root: string;
  let daemon: RunningVirtkitd;
  let pid: number;
  let testUuid: string;
  /** A client connected before the fuzz, and one connecting after each batch, must get the same answers. */
  let steady: Connection;
  let rssBefore: number;

  async function expectStillServing(): Promise<void> {
    // The same daemon process, still running: no crash, no restart.
    expect(daemon.process.exitCode).toBeNull();
    for (const connection of [steady, await openConnection(daemon.testUri(), { drivers: [driver] })]) {
      const domain = await connection.lookupDomainByName('test');
      expect(domain.uuid).toBe(testUuid);
      expect((await domain.getState()).state).toBe('running');
      expect((await connection.listAllDomains()).map((d) => d.name)).toEqual(['test']);
      if (connection !== steady) await connection.close();
    }
    // A procedure that failed with anything but a VirtError is a server bug, logged at error level.
    const log = await readFile(join(root, 'virtkitd.log'), 'utf8');
    expect(log.split('\n').filter((line) => line.includes(': error : '))).toEqual([]);
    const rss = await rssKiB(pid);
    // Bounded: what thousands of dropped connections leave must not pile up.
    expect(rss).toBeLessThan(rssBefore + 128 * 1024);
  }

  beforeAll(async () => {
    console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`);
    root = await tempRoot();
    daemon = await startVirtkitd(root);
    pid = daemon.process.pid as number;
    steady = await openConnection(daemon.testUri(), { drivers: [driver] });
    testUuid = (await steady.lookupDomainByName('test')).uuid;
    rssBefore = await rssKiB(pid);
  });

  afterAll(async () => {
    await steady?.close();
    console.log(`virtkitd RSS: ${rssBefore} KiB before the fuzz, ${await rssKiB(pid)} KiB after`);
    await daemon?.stop();
    await removeRoot(root);
  });

  it("answers protocol errors with libvirt's texts and keeps the connection", async () => {
    const session = await RawSession.open(daemon.roSocket);
    const header = (overrides: Partial<MessageHeader>): MessageHeader => ({
      prog: REMOTE_PROGRAM,
      vers: REMOTE_PROTOCOL_VERSION,
      proc: REMOTE_PROC_CONNECT_GET_HOSTNAME,
      type: MessageType.CALL,
      serial: 0,
      status: MessageStatus.OK,
      ...overrides,
    });
    const cases: [MessageHeader, Uint8Array | undefined, string, string][] = [
      // As libvirtd 9.0 (remoteGetHypervisorConn).
      [header({ serial: 1 }), undefined, 'INTERNAL_ERROR', 'hypervisor connection not open'],
      [header({ serial: 2, prog: 0x12345678 }), undefined, 'RPC', 'Cannot find program 305419896 version 1'],
      [header({ serial: 3, vers: 2 }), undefined, 'RPC', 'Cannot find program 536903814 version 2'],
      [header({ serial: 4, proc: 99999 }), undefined, 'NO_SUPPORT', 'unknown procedure: 99999'],
      [header({ serial: 5, status: MessageStatus.ERROR }), undefined, 'RPC', 'Unexpected message status 1'],
      [
        header({ serial: 6, proc: REMOTE_PROC_CONNECT_OPEN }),
        Uint8Array.of(0, 0, 0, 1),
        'RPC',
        'Unable to decode message payload',
      ],
    ];
    try {
      for (const [callHeader, body, code, message] of cases) {
        session.send(encodePacket(callHeader, body));
        expect(await session.waitFor(() => session.reply(callHeader.serial) !== undefined, 5000)).toBe(true);
        const reply = session.reply(callHeader.serial) as Packet;
        expect(reply.header).toEqual({ ...callHeader, type: MessageType.REPLY, status: MessageStatus.ERROR });
        const error = errorFromWire(decodeXdr(RemoteError, reply.body));
        expect(error.code).toBe(code);
        expect(error.message).toContain(message);
      }
      // A stray REPLY or MESSAGE gets no answer (libvirt drops it); the connection goes on serving.
      session.send(encodePacket(header({ serial: 20, type: MessageType.REPLY })));
      session.send(encodePacket(header({ serial: 21, type: MessageType.MESSAGE })));
      session.send(connectOpen(22));
      expect(await session.waitFor(() => session.reply(22) !== undefined, 5000)).toBe(true);
      expect(session.reply(22)?.header.status).toBe(MessageStatus.OK);
      session.send(call(REMOTE_PROC_CONNECT_GET_HOSTNAME, 23));
      expect(await session.waitFor(() => session.reply(23) !== undefined, 5000)).toBe(true);
      expect(session.reply(23)?.header.status).toBe(MessageStatus.OK);
      expect(
        session.packets.filter((packet) => packet.header.serial === 20 || packet.header.serial === 21),
      ).toEqual([]);
    } finally {
      session.destroy();
    }
  });

  it('hangs up on lengths below the header or above VIR_NET_MESSAGE_MAX, without waiting for the bytes', async () => {
    for (const length of [0, 4, 27, VIR_NET_MESSAGE_MAX + 5, 2 ** 32 - 1]) {
      const session = await RawSession.open(daemon.rwSocket);
      session.send(withLength(call(REMOTE_PROC_CONNECT_GET_HOSTNAME, 1), length));
      expect(await session.waitFor(() => session.closed, 2000)).toBe(true);
      expect(session.packets).toEqual([]);
    }
    await expectStillServing();
  });

  it('survives thousands of random byte strings', async () => {
    const random = generator(SEED);
    const cases = Array.from({ length: 2000 }, (_, i) => ({ bytes: randomBytes(random), open: i % 2 === 0 }));
    const counts = await runCases(daemon.roSocket, cases);
    console.log('random bytes:', counts);
    expect(counts.answered + counts.closed + counts.waiting).toBe(cases.length);
    await expectStillServing();
  }, 60_000);

  it('survives thousands of mutated valid packets and garbage bodies for real procedures', async () => {
    const random = generator(SEED + 1);
    const seeds = validCalls(testUuid);
    const mutated = Array.from({ length: 2000 }, (_, i) => ({
      bytes: random.pick(MUTATIONS)(random.pick(seeds), random),
      open: i % 4 !== 0,
    }));
    const garbage = Array.from({ length: 1000 }, () => ({ bytes: garbageCall(random), open: true }));
    const mutatedCounts = await runCases(daemon.roSocket, mutated);
    console.log('mutated packets:', mutatedCounts);
    // On the read-write socket, so write procedures reach their argument checks too.
    const garbageCounts = await runCases(daemon.rwSocket, garbage);
    console.log('garbage bodies:', garbageCounts);
    // Garbage bodies come in whole packets: every one must be answered, none dropped.
    expect(garbageCounts.answered).toBe(garbage.length);
    await expectStillServing();
  }, 60_000);

  it('answers every procedure called with zero-valued arguments (empty strings, null uuids, no flags)', async () => {
    // A zero body decodes as the procedure's emptiest arguments at exactly one length, if any: each
    // procedure gets all lengths up to 128 bytes, so every handler runs once on edge values.
    const lengths = Array.from({ length: 33 }, (_, i) => 4 * i);
    const procedures = [...REMOTE_PROCEDURES.keys()].filter((proc) => proc !== REMOTE_PROC_CONNECT_OPEN);
    let handled = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < procedures.length) {
        const proc = procedures[next++] as number;
        const session = await RawSession.open(daemon.rwSocket);
        try {
          session.send(connectOpen(1));
          expect(await session.waitFor(() => session.reply(1) !== undefined, 5000)).toBe(true);
          for (const [i, length] of lengths.entries())
            session.send(call(proc, 100 + i, new Uint8Array(length)));
          const all = () => lengths.every((_, i) => session.reply(100 + i) !== undefined);
          expect(await session.waitFor(all, 5000), `procedure ${proc} answered every call`).toBe(true);
          for (const packet of session.packets) checkWellFormed(packet);
          handled += session.packets.filter(
            (packet) => packet.header.serial >= 100 && packet.header.status === MessageStatus.OK,
          ).length;
        } finally {
          session.destroy();
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    console.log(`${procedures.length} procedures called with zero arguments: ${handled} calls succeeded`);
    await expectStillServing();
  }, 60_000);

  it('keeps serving when clients disconnect mid-packet, mid-call and with events registered', async () => {
    const random = generator(SEED + 2);
    const seeds = validCalls(testUuid);
    const registerLifecycle = call(
      REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
      2,
      encodeXdr(RemoteConnectDomainEventCallbackRegisterAnyArgs, { eventID: 0, dom: null }),
    );
    const quitters = Array.from({ length: 300 }, async (_, i) => {
      const session = await RawSession.open(i % 2 === 0 ? daemon.roSocket : daemon.rwSocket);
      session.send(connectOpen(1));
      const packet = random.pick(seeds);
      // Half a packet, then gone; or a whole call, gone before its reply; or gone with events registered.
      if (i % 3 === 0) session.send(packet.subarray(0, 1 + random.int(packet.length - 1)));
      else if (i % 3 === 1) session.send(packet);
      else {
        session.send(registerLifecycle);
        await session.waitFor(() => session.reply(2) !== undefined, 5000);
      }
      session.destroy();
    });
    await Promise.all(quitters);
    // Events for clients that are gone must go nowhere, quietly.
    const test = await steady.lookupDomainByName('test');
    await test.suspend();
    await test.resume();
    await expectStillServing();
  });
});
