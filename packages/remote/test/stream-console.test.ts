import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import {
  type Connection,
  type ConsoleOptions,
  type DomainRef,
  type Driver,
  openConnection,
  VirtError,
} from '@virtkit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { driver as remoteDriver } from '../src/client/driver.js';
import * as P from '../src/generated/remote-protocol.js';
import { DriverHub } from '../src/server/driver-hub.js';
import { serveClient } from '../src/server/serve-client.js';
import { uuidToBytes } from '../src/wire/domain.js';
import {
  encodePacket,
  MessageStatus,
  MessageType,
  type Packet,
  PacketDecoder,
  REMOTE_PROGRAM,
  STREAM_CHUNK_MAX,
} from '../src/wire/index.js';
import { decodeXdr, encodeXdr } from '../src/xdr/index.js';

const GUEST: DomainRef = { name: 'echo', uuid: 'c7a5fdbd-edaf-9455-926a-d65c16db1809', id: 7 };

/** A console whose guest echoes every byte; the test can end it or fail it from the guest's side. */
class EchoConsole extends Duplex {
  ended = false;
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.push(chunk);
    callback();
  }
  override _final(callback: () => void): void {
    this.ended = true;
    callback();
  }
}

/** The consoles the fake driver handed out, with the options each was opened with. */
const consoles: { console: EchoConsole; options: ConsoleOptions }[] = [];

const fakeDriver: Driver = {
  name: 'fake',
  schemes: ['fake'],
  open: async () => ({
    close: async () => {},
    getUri: () => 'fake:///default',
    listDomains: async () => [],
    lookupDomain: async (key) => ('name' in key && key.name === GUEST.name ? GUEST : undefined),
    openConsole: async (_domain, options) => {
      if (options.devName === 'nosuch')
        throw new VirtError('INTERNAL_ERROR', 'cannot find character device nosuch');
      const console = new EchoConsole();
      consoles.push({ console, options });
      return console;
    },
    domainXmlFromNative: async (format, config) => {
      if (format !== 'lxc-tools') throw new VirtError('INVALID_ARG', `unsupported config type ${format}`);
      return `<domain type='lxc'><name>${config.trim()}</name></domain>\n`;
    },
  }),
};

let dir: string;
let server: Server;
let socketPath: string;
let connection: Connection | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stream-console-'));
  socketPath = join(dir, 'sock');
  const hub = new DriverHub({
    drivers: [fakeDriver],
    importDriver: (specifier) => import(specifier),
    defaultUri: 'fake:///default',
  });
  server = createServer((socket) => void serveClient(socket, { readonly: false, hub }));
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});

afterEach(async () => {
  await connection?.close().catch(() => {});
  connection = undefined;
  for (const { console } of consoles.splice(0)) console.destroy();
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function open(): Promise<Connection> {
  connection = await openConnection(`fake+unix:///default?socket=${socketPath}`, { drivers: [remoteDriver] });
  return connection;
}

/** Reads from `stream` until `size` bytes came. */
function readBytes(stream: Duplex, size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= size) {
        stream.off('data', onData);
        stream.pause();
        resolve(Buffer.concat(chunks));
      }
    };
    stream.on('data', onData);
    stream.resume();
    stream.once('error', reject);
  });
}

const closed = (stream: Duplex) => new Promise<void>((resolve) => stream.once('close', () => resolve()));

describe('streams over the wire protocol: the console', () => {
  it('carries bytes both ways, a megabyte in chunks of at most the legacy payload', async () => {
    const domain = await (await open()).lookupDomainByName('echo');
    const stream = await domain.openConsole();
    stream.write('hello\r\n');
    expect((await readBytes(stream, 7)).toString()).toBe('hello\r\n');
    const big = randomBytes(1024 * 1024 + 5);
    stream.write(big);
    expect((await readBytes(stream, big.length)).equals(big)).toBe(true);
    expect(STREAM_CHUNK_MAX).toBe(262120);
  });

  it('passes the device name, force and safe to the driver', async () => {
    const domain = await (await open()).lookupDomainByName('echo');
    const stream = await domain.openConsole({ devName: 'serial0', force: true, safe: true });
    expect(consoles.at(-1)?.options).toEqual({ devName: 'serial0', force: true, safe: true });
    stream.destroy();
  });

  it('fails with the driver error when the console cannot be opened, and the connection goes on', async () => {
    const conn = await open();
    const domain = await conn.lookupDomainByName('echo');
    await expect(domain.openConsole({ devName: 'nosuch' })).rejects.toThrow(
      'internal error: cannot find character device nosuch',
    );
    expect(await conn.domainXmlFromNative('lxc-tools', 'after')).toContain('<name>after</name>');
  });

  it("finishes on the client's end(): the driver's side ends and the server confirms", async () => {
    const domain = await (await open()).lookupDomainByName('echo');
    const stream = await domain.openConsole();
    const console = consoles.at(-1)?.console as EchoConsole;
    const finished = new Promise<void>((resolve) => stream.once('finish', () => resolve()));
    stream.end();
    await finished;
    await expect.poll(() => console.ended && console.destroyed).toBe(true);
  });

  it("ends the client's data when the guest's side ends, then finishes itself", async () => {
    const domain = await (await open()).lookupDomainByName('echo');
    const stream = await domain.openConsole();
    const console = consoles.at(-1)?.console as EchoConsole;
    const received: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => received.push(chunk));
    const ended = new Promise<void>((resolve) => stream.once('end', () => resolve()));
    const whenClosed = closed(stream);
    console.push('bye');
    console.push(null);
    await ended;
    await whenClosed;
    expect(Buffer.concat(received).toString()).toBe('bye');
    await expect.poll(() => console.destroyed).toBe(true);
  });

  it("aborts on the client's destroy(): the driver's side is let go, the connection goes on", async () => {
    const conn = await open();
    const domain = await conn.lookupDomainByName('echo');
    const stream = await domain.openConsole();
    const console = consoles.at(-1)?.console as EchoConsole;
    stream.destroy();
    await expect.poll(() => console.destroyed).toBe(true);
    expect(console.ended).toBe(false);
    expect(await conn.domainXmlFromNative('lxc-tools', 'still')).toContain('<name>still</name>');
  });

  it("fails the client's stream with the driver's error", async () => {
    const domain = await (await open()).lookupDomainByName('echo');
    const stream = await domain.openConsole();
    const failed = new Promise<Error>((resolve) => stream.once('error', resolve));
    consoles.at(-1)?.console.destroy(new VirtError('OPERATION_FAILED', 'the guest went away'));
    expect((await failed).message).toBe('operation failed: the guest went away');
  });

  it("lets the driver's side go when the client disconnects", async () => {
    const conn = await open();
    const domain = await conn.lookupDomainByName('echo');
    await domain.openConsole();
    const console = consoles.at(-1)?.console as EchoConsole;
    await conn.close();
    connection = undefined;
    await expect.poll(() => console.destroyed).toBe(true);
  });

  it('converts a native config through the server (virConnectDomainXMLFromNative), errors included', async () => {
    const conn = await open();
    expect(await conn.domainXmlFromNative('lxc-tools', 'c1\n')).toBe(
      "<domain type='lxc'><name>c1</name></domain>\n",
    );
    await expect(conn.domainXmlFromNative('xen-xm', '')).rejects.toThrow(
      'invalid argument: unsupported config type xen-xm',
    );
  });
});

/** A client speaking packets, to check the stream's framing as libvirt's peers see it. */
class RawPeer {
  readonly socket: Socket;
  readonly received: Packet[] = [];
  readonly #decoder = new PacketDecoder();

  constructor(path: string) {
    this.socket = createConnection(path);
    this.socket.on('data', (chunk: Buffer) => this.received.push(...this.#decoder.push(chunk)));
  }

  send(proc: number, type: number, serial: number, status: number, body?: Uint8Array): void {
    this.socket.write(encodePacket({ prog: REMOTE_PROGRAM, vers: 1, proc, type, serial, status }, body));
  }

  async next(match: (packet: Packet) => boolean): Promise<Packet> {
    for (let waited = 0; waited < 3000; waited += 5) {
      const index = this.received.findIndex(match);
      if (index >= 0) return this.received.splice(index, 1)[0] as Packet;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error('no matching packet');
  }
}

describe("the stream's packets, as libvirt's client and daemon exchange them", () => {
  it('replies to the call, echoes CONTINUE data on its serial, confirms OK and answers an abort with an error reply', async () => {
    const peer = new RawPeer(socketPath);
    try {
      const call = (proc: number, serial: number, body?: Uint8Array) =>
        peer.send(proc, MessageType.CALL, serial, MessageStatus.OK, body);
      call(P.REMOTE_PROC_CONNECT_OPEN, 1, encodeXdr(P.RemoteConnectOpenArgs, { name: null, flags: 0 }));
      await peer.next((p) => p.header.serial === 1);
      const consoleArgs = (serial: number) => {
        call(
          P.REMOTE_PROC_DOMAIN_OPEN_CONSOLE,
          serial,
          encodeXdr(P.RemoteDomainOpenConsoleArgs, {
            dom: { name: GUEST.name, uuid: uuidToBytes(GUEST.uuid), id: GUEST.id },
            dev_name: null,
            flags: 0,
          }),
        );
      };
      consoleArgs(2);
      const reply = await peer.next((p) => p.header.serial === 2);
      expect(reply.header).toMatchObject({ type: MessageType.REPLY, status: MessageStatus.OK });
      expect(reply.body.length).toBe(0);
      const proc = P.REMOTE_PROC_DOMAIN_OPEN_CONSOLE;
      peer.send(proc, MessageType.STREAM, 2, MessageStatus.CONTINUE, Buffer.from('ping'));
      const echoed = await peer.next((p) => p.header.serial === 2);
      expect(echoed.header).toMatchObject({ proc, type: MessageType.STREAM, status: MessageStatus.CONTINUE });
      expect(Buffer.from(echoed.body).toString()).toBe('ping');
      peer.send(proc, MessageType.STREAM, 2, MessageStatus.OK);
      const confirm = await peer.next((p) => p.header.serial === 2);
      expect(confirm.header).toMatchObject({ type: MessageType.STREAM, status: MessageStatus.OK });
      expect(confirm.body.length).toBe(0);

      consoleArgs(3);
      await peer.next((p) => p.header.serial === 3);
      peer.send(proc, MessageType.STREAM, 3, MessageStatus.ERROR);
      const aborted = await peer.next((p) => p.header.serial === 3);
      expect(aborted.header).toMatchObject({ type: MessageType.REPLY, status: MessageStatus.ERROR });
      expect(decodeXdr(P.RemoteError, aborted.body).message).toBe('stream aborted at client request');
      // Data for a stream that is gone is dropped without an answer.
      peer.send(proc, MessageType.STREAM, 3, MessageStatus.CONTINUE, Buffer.from('late'));
      call(P.REMOTE_PROC_CONNECT_GET_URI, 4);
      expect((await peer.next((p) => p.header.serial === 4 || p.header.serial === 3)).header.serial).toBe(4);
    } finally {
      peer.socket.destroy();
    }
  });
});
