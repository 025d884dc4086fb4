import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driver as testDriver } from '@virtkit/driver-test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as P from '../src/generated/remote-protocol.js';
import { DriverHub } from '../src/server/driver-hub.js';
import { type ServeClientOptions, serveClient } from '../src/server/serve-client.js';
import {
  encodePacket,
  KEEPALIVE_PROC_PING,
  KEEPALIVE_PROC_PONG,
  keepalivePing,
  MessageStatus,
  MessageType,
  type Packet,
  PacketDecoder,
  REMOTE_PROGRAM,
} from '../src/wire/index.js';
import { decodeXdr, encodeXdr, type XdrCodec } from '../src/xdr/index.js';

/** A raw protocol client: sends packets, collects every packet the server sends back. */
class RawClient {
  readonly socket: Socket;
  readonly received: Packet[] = [];
  readonly closed: Promise<void>;
  readonly #decoder = new PacketDecoder();
  #serial = 0;

  constructor(path: string) {
    this.socket = createConnection(path);
    this.socket.on('data', (chunk: Buffer) => this.received.push(...this.#decoder.push(chunk)));
    this.closed = new Promise((resolve) => this.socket.on('close', () => resolve()));
  }

  async next(match: (packet: Packet) => boolean, ms = 3000): Promise<Packet> {
    const deadline = Date.now() + ms;
    for (;;) {
      const index = this.received.findIndex(match);
      if (index >= 0) return this.received.splice(index, 1)[0] as Packet;
      if (Date.now() > deadline) throw new Error('no matching packet');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Sends a CALL and waits for the packet answering its serial. */
  async call(proc: number, body: Uint8Array = new Uint8Array(0), prog = REMOTE_PROGRAM): Promise<Packet> {
    const serial = ++this.#serial;
    this.socket.write(
      encodePacket({ prog, vers: 1, proc, type: MessageType.CALL, serial, status: MessageStatus.OK }, body),
    );
    const reply = await this.next(
      (packet) => packet.header.serial === serial && packet.header.type === MessageType.REPLY,
    );
    expect(reply.header).toMatchObject({ prog, proc, serial });
    return reply;
  }

  async ok<A, R>(proc: number, args?: [XdrCodec<A>, A], ret?: XdrCodec<R>): Promise<R | undefined> {
    const reply = await this.call(proc, args ? encodeXdr(args[0], args[1]) : undefined);
    if (reply.header.status !== MessageStatus.OK)
      throw new Error(decodeXdr(P.RemoteError, reply.body).message ?? '');
    return ret ? decodeXdr(ret, reply.body) : undefined;
  }

  async error(proc: number, body?: Uint8Array, prog?: number): Promise<P.RemoteError> {
    const reply = await this.call(proc, body, prog);
    expect(reply.header.status).toBe(MessageStatus.ERROR);
    return decodeXdr(P.RemoteError, reply.body);
  }

  open(): Promise<unknown> {
    return this.ok(P.REMOTE_PROC_CONNECT_OPEN, [
      P.RemoteConnectOpenArgs,
      { name: 'test:///default', flags: 0 },
    ]);
  }

  async lookup(name: string): Promise<P.RemoteNonnullDomain> {
    const ret = await this.ok(
      P.REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME,
      [P.RemoteDomainLookupByNameArgs, { name }],
      P.RemoteDomainLookupByNameRet,
    );
    return (ret as P.RemoteDomainLookupByNameRet).dom;
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }
}

let dir: string;
const servers: Server[] = [];
let rwPath: string;
let roPath: string;
let quickKeepalivePath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'serve-client-'));
  const hub = new DriverHub({
    drivers: [testDriver],
    importDriver: (specifier) => import(specifier),
    defaultUri: 'test:///default',
  });
  rwPath = join(dir, 'rw');
  roPath = join(dir, 'ro');
  quickKeepalivePath = join(dir, 'quick-keepalive');
  const sockets: [string, ServeClientOptions][] = [
    [rwPath, { readonly: false, hub }],
    [roPath, { readonly: true, hub }],
    [quickKeepalivePath, { readonly: false, hub, keepalive: { intervalSeconds: 0.1, count: 2 } }],
  ];
  for (const [path, options] of sockets) {
    const server = createServer((socket) => void serveClient(socket, options));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    servers.push(server);
  }
});

afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('serveClient', () => {
  it('answers each CALL with a REPLY of the same program, procedure and serial', async () => {
    const client = new RawClient(rwPath);
    await client.open();
    const dom = await client.lookup('test');
    expect(dom.name).toBe('test');
    const state = await client.ok(
      P.REMOTE_PROC_DOMAIN_GET_STATE,
      [P.RemoteDomainGetStateArgs, { dom, flags: 0 }],
      P.RemoteDomainGetStateRet,
    );
    expect(state).toEqual({ state: 1, reason: 0 });
    await client.ok(P.REMOTE_PROC_CONNECT_CLOSE);
    await client.close();
  });

  it("refuses calls before CONNECT_OPEN with libvirtd's error", async () => {
    const client = new RawClient(rwPath);
    const error = await client.error(P.REMOTE_PROC_CONNECT_GET_TYPE);
    expect(error).toMatchObject({ code: 1, message: 'internal error: hypervisor connection not open' });
    await client.close();
  });

  it('answers an unknown procedure or program with an RPC error and goes on serving', async () => {
    const client = new RawClient(rwPath);
    expect(await client.error(9999)).toMatchObject({
      code: 39,
      domain: 7,
      message: 'unknown procedure: 9999',
    });
    expect(await client.error(1, undefined, 0x1234)).toMatchObject({
      code: 39,
      message: `Cannot find program ${0x1234} version 1`,
    });
    await client.open();
    expect((await client.lookup('test')).name).toBe('test');
    await client.close();
  });

  it('answers a protocol procedure it does not serve yet as a driver without it: NO_SUPPORT naming the API', async () => {
    const client = new RawClient(rwPath);
    await client.open();
    const args = encodeXdr(P.RemoteNodeGetMemoryStatsArgs, { nparams: 0, cellNum: -1, flags: 0 });
    expect(await client.error(P.REMOTE_PROC_NODE_GET_MEMORY_STATS, args)).toMatchObject({
      code: 3,
      message: 'this function is not supported by the connection driver: virNodeGetMemoryStats',
    });
    await client.close();
  });

  it('answers a call whose arguments do not decode with an error reply', async () => {
    const client = new RawClient(rwPath);
    const error = await client.error(P.REMOTE_PROC_CONNECT_OPEN, Uint8Array.of(0, 0, 0));
    expect(error.code).toBe(39);
    expect(error.message).toMatch(/^Unable to decode message payload/);
    await client.close();
  });

  it('answers a keepalive PING with a PONG', async () => {
    const client = new RawClient(rwPath);
    client.socket.write(keepalivePing());
    const pong = await client.next((packet) => packet.header.proc === KEEPALIVE_PROC_PONG);
    expect(pong.header.type).toBe(MessageType.MESSAGE);
    await client.close();
  });

  it('PINGs a client that asked about keepalive once it falls silent, and drops it when it never answers', async () => {
    const client = new RawClient(quickKeepalivePath);
    const supported = await client.ok(
      P.REMOTE_PROC_CONNECT_SUPPORTS_FEATURE,
      [P.RemoteConnectSupportsFeatureArgs, { feature: 10 }],
      P.RemoteConnectSupportsFeatureRet,
    );
    expect(supported).toEqual({ supported: 1 });
    const ping = await client.next((packet) => packet.header.proc === KEEPALIVE_PROC_PING);
    expect(ping.header.type).toBe(MessageType.MESSAGE);
    await client.closed;
  });

  it('refuses changes from a read-only client with OPERATION_DENIED', async () => {
    const client = new RawClient(roPath);
    await client.open();
    const dom = await client.lookup('test');
    const error = await client.error(
      P.REMOTE_PROC_DOMAIN_SUSPEND,
      encodeXdr(P.RemoteDomainSuspendArgs, { dom }),
    );
    expect(error).toMatchObject({
      code: 29,
      message: 'operation forbidden: read only access prevents virDomainSuspend',
    });
    await client.close();
  });

  it('sends lifecycle events to a registered callback as MESSAGEs carrying its id', async () => {
    const client = new RawClient(rwPath);
    await client.open();
    const registered = await client.ok(
      P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
      [P.RemoteConnectDomainEventCallbackRegisterAnyArgs, { eventID: 0, dom: null }],
      P.RemoteConnectDomainEventCallbackRegisterAnyRet,
    );
    const dom = await client.lookup('test');
    await client.ok(P.REMOTE_PROC_DOMAIN_SUSPEND, [P.RemoteDomainSuspendArgs, { dom }]);
    const event = await client.next((packet) => packet.header.type === MessageType.MESSAGE);
    expect(event.header.proc).toBe(P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE);
    const msg = decodeXdr(P.RemoteDomainEventCallbackLifecycleMsg, event.body);
    expect(msg).toMatchObject({ callbackID: registered?.callbackID, msg: { event: 3, detail: 0 } });
    expect(msg.msg.dom.name).toBe('test');
    await client.close();
  });

  it('sends old-style registrations their events without a callback id, and refuses a second one', async () => {
    const client = new RawClient(rwPath);
    await client.open();
    const registered = await client.ok(
      P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER,
      undefined,
      P.RemoteConnectDomainEventRegisterRet,
    );
    expect(registered).toEqual({ cb_registered: 1 });
    const again = await client.error(
      P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY,
      encodeXdr(P.RemoteConnectDomainEventRegisterAnyArgs, { eventID: 0 }),
    );
    expect(again.message).toBe('invalid argument: event callback already tracked');
    const dom = await client.lookup('test');
    await client.ok(P.REMOTE_PROC_DOMAIN_SUSPEND, [P.RemoteDomainSuspendArgs, { dom }]);
    const event = await client.next((packet) => packet.header.type === MessageType.MESSAGE);
    expect(event.header.proc).toBe(P.REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE);
    expect(decodeXdr(P.RemoteDomainEventLifecycleMsg, event.body)).toMatchObject({ event: 3, detail: 0 });
    await client.ok(P.REMOTE_PROC_DOMAIN_RESUME, [P.RemoteDomainResumeArgs, { dom }]);
    await client.close();
  });

  it('serves 50 concurrent clients, each reply matched to its call', async () => {
    const clients = Array.from({ length: 50 }, () => new RawClient(rwPath));
    await Promise.all(
      clients.map(async (client) => {
        await client.open();
        const dom = await client.lookup('test');
        for (let i = 0; i < 20; i++) {
          const state = await client.ok(
            P.REMOTE_PROC_DOMAIN_GET_STATE,
            [P.RemoteDomainGetStateArgs, { dom, flags: 0 }],
            P.RemoteDomainGetStateRet,
          );
          expect(state?.state).toBe(1);
        }
      }),
    );
    await Promise.all(clients.map((client) => client.close()));
  });

  it('drops a client whose length word is out of range, and keeps serving the others', async () => {
    const bad = new RawClient(rwPath);
    const word = Buffer.alloc(4);
    word.writeUInt32BE(0xffffffff);
    bad.socket.write(word);
    await bad.closed;
    const good = new RawClient(rwPath);
    await good.open();
    await good.close();
  });

  it('survives thousands of random and mutated packets', async () => {
    const valid = encodePacket(
      { prog: REMOTE_PROGRAM, vers: 1, proc: P.REMOTE_PROC_CONNECT_OPEN, type: 0, serial: 1, status: 0 },
      encodeXdr(P.RemoteConnectOpenArgs, { name: 'test:///default', flags: 0 }),
    );
    for (let round = 0; round < 20; round++) {
      const client = new RawClient(rwPath);
      for (let i = 0; i < 100; i++) {
        const packet = Buffer.from(i % 2 ? valid : randomBytes(28 + (i % 40)));
        // Keep the framing valid, so the mutations reach header and body decoding.
        packet.writeUInt32BE(packet.length, 0);
        for (let flips = 0; flips < 3; flips++) {
          const at = 4 + Math.floor(Math.random() * (packet.length - 4));
          packet[at] = Math.floor(Math.random() * 256);
        }
        if (!client.socket.destroyed) client.socket.write(packet);
      }
      await client.close();
    }
    const good = new RawClient(rwPath);
    await good.open();
    expect((await good.lookup('test')).name).toBe('test');
    await good.close();
  });
});
