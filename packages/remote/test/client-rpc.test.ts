import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtError } from '@virtkit/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { RpcClient } from '../src/client/rpc-client.js';
import { RemoteError } from '../src/generated/remote-protocol.js';
import {
  encodePacket,
  errorToWire,
  isKeepalive,
  KEEPALIVE_PROC_PING,
  KEEPALIVE_PROC_PONG,
  keepalivePing,
  type MessageHeader,
  MessageStatus,
  MessageType,
  type Packet,
  PacketDecoder,
  REMOTE_PROGRAM,
} from '../src/wire/index.js';
import { encodeXdr } from '../src/xdr/index.js';

/** A scripted server on a temporary unix socket: every packet a client sends goes to `onPacket`. */
let dir: string;
let server: Server;
let peers: Socket[];
let onPacket: (packet: Packet, peer: Socket) => void;
let clients: RpcClient[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'virtkit-rpc-'));
  peers = [];
  clients = [];
  onPacket = () => {};
  server = createServer((peer) => {
    peers.push(peer);
    const decoder = new PacketDecoder();
    peer.on('data', (chunk) => {
      for (const packet of decoder.push(chunk)) onPacket(packet, peer);
    });
    peer.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(join(dir, 'sock'), resolve));
});

afterEach(async () => {
  for (const client of clients) client.close();
  for (const peer of peers) peer.destroy();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function newClient(onMessage: (header: MessageHeader, body: Uint8Array) => void = () => {}) {
  const socket = connect(join(dir, 'sock'));
  await new Promise((resolve) => socket.once('connect', resolve));
  const client = new RpcClient(socket, onMessage);
  clients.push(client);
  return client;
}

function reply(peer: Socket, call: MessageHeader, body: Uint8Array, status: number = MessageStatus.OK) {
  peer.write(encodePacket({ ...call, type: MessageType.REPLY, status }, body));
}

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('RpcClient', () => {
  test('matches replies to calls by serial, whatever order they come in', async () => {
    const held: Packet[] = [];
    onPacket = (packet, peer) => {
      held.push(packet);
      if (held.length < 3) return;
      // Answer the last call first: each reply carries its procedure number as the body.
      for (const call of held.reverse()) reply(peer, call.header, bytes(call.header.proc));
    };
    const client = await newClient();
    const answers = await Promise.all([7, 8, 9].map((proc) => client.call(REMOTE_PROGRAM, 1, proc, bytes())));
    expect(answers.map((body) => body[0])).toEqual([7, 8, 9]);
    expect(held.map((packet) => packet.header.serial).sort()).toEqual([1, 2, 3]);
  });

  test('an ERROR reply rejects with the server code, domain and message', async () => {
    onPacket = (packet, peer) => {
      const error = new VirtError('NO_DOMAIN', "no domain with matching name 'nope'", { domain: 'QEMU' });
      reply(peer, packet.header, encodeXdr(RemoteError, errorToWire(error)), MessageStatus.ERROR);
    };
    const client = await newClient();
    const failure = await client.call(REMOTE_PROGRAM, 1, 23, bytes()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(VirtError);
    expect(failure).toMatchObject({
      code: 'NO_DOMAIN',
      domain: 'QEMU',
      message: "Domain not found: no domain with matching name 'nope'",
    });
  });

  test('answers a PING with a PONG and hands MESSAGE packets to the listener', async () => {
    const pong = new Promise<MessageHeader>((resolve) => {
      onPacket = (packet) => {
        if (isKeepalive(packet.header)) resolve(packet.header);
      };
    });
    const messages: number[] = [];
    await newClient((header) => messages.push(header.proc));
    const peer = peers[0] as Socket;
    peer.write(keepalivePing());
    peer.write(
      encodePacket(
        { prog: REMOTE_PROGRAM, vers: 1, proc: 318, type: MessageType.MESSAGE, serial: 1, status: 0 },
        bytes(),
      ),
    );
    expect((await pong).proc).toBe(KEEPALIVE_PROC_PONG);
    expect(messages).toEqual([318]);
  });

  test('pending calls fail when the server goes away, and later calls fail at once', async () => {
    onPacket = (_packet, peer) => peer.destroy();
    const client = await newClient();
    await expect(client.call(REMOTE_PROGRAM, 1, 3, bytes())).rejects.toThrow(
      'End of file while reading data: Input/output error',
    );
    expect(client.closed).toBe(true);
    await expect(client.call(REMOTE_PROGRAM, 1, 3, bytes())).rejects.toThrow('End of file');
  });

  test('keepalive PINGs a silent server and gives up after count unanswered', async () => {
    const pings: number[] = [];
    onPacket = (packet) => {
      if (packet.header.proc === KEEPALIVE_PROC_PING) pings.push(packet.header.serial);
    };
    const client = await newClient();
    const closed = new Promise<VirtError | undefined>((resolve) => client.onClosed(resolve));
    client.startKeepalive({ intervalSeconds: 0.02, count: 2 });
    expect((await closed)?.message).toBe('internal error: connection closed due to keepalive timeout');
    expect(pings).toEqual([0, 0]);
  });
});
