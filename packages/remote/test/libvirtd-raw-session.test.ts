import { connect, type Socket } from 'node:net';
import { isVirtError, type VirtError } from '@virtkit/core';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REMOTE_AUTH_POLKIT,
  REMOTE_PROC_AUTH_LIST,
  REMOTE_PROC_AUTH_POLKIT,
  REMOTE_PROC_CONNECT_CLOSE,
  REMOTE_PROC_CONNECT_GET_HOSTNAME,
  REMOTE_PROC_CONNECT_OPEN,
  REMOTE_PROC_DOMAIN_GET_INFO,
  REMOTE_PROC_DOMAIN_GET_SECURITY_LABEL,
  REMOTE_PROC_DOMAIN_GET_STATE,
  REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME,
  REMOTE_PROC_NODE_GET_INFO,
  REMOTE_PROCEDURES,
  RemoteError,
  type RemoteNonnullDomain,
} from '../src/generated/remote-protocol.js';
import {
  encodePacket,
  errorFromWire,
  MessageStatus,
  MessageType,
  type Packet,
  PacketDecoder,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
} from '../src/wire/index.js';
import { decodeXdr, encodeXdr } from '../src/xdr/index.js';

/**
 * Talks to the real libvirtd 9.0 with nothing but this package's codecs and framing: the best check
 * that the generated types and the wire layer match libvirt byte for byte.
 */
const SOCKET = '/run/libvirt/libvirt-sock-ro';
const VIR_CONNECT_RO = 1;
const VIR_DOMAIN_RUNNING = 1;
// libvirt 9.0's test driver reports its default domain as running (unknown): `virsh domstate --reason`.
const VIR_DOMAIN_RUNNING_UNKNOWN = 0;

/** Minimal RPC session: one call at a time, replies matched by serial. */
class RawSession {
  readonly #socket: Socket;
  readonly #decoder = new PacketDecoder();
  readonly #replies = new Map<number, (packet: Packet) => void>();
  #serial = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const packet of this.#decoder.push(chunk)) this.#replies.get(packet.header.serial)?.(packet);
    });
  }

  static open(path: string): Promise<RawSession> {
    return new Promise((resolve, reject) => {
      const socket = connect(path, () => resolve(new RawSession(socket)));
      socket.once('error', reject);
    });
  }

  /** Calls `proc` with its generated args codec; resolves with the decoded ret, rejects with the VirtError. */
  call(proc: number, args?: unknown): Promise<unknown> {
    const info = REMOTE_PROCEDURES.get(proc);
    if (!info) throw new Error(`no procedure ${proc}`);
    const serial = ++this.#serial;
    const body = info.args ? encodeXdr(info.args, args) : undefined;
    const header = {
      prog: REMOTE_PROGRAM,
      vers: REMOTE_PROTOCOL_VERSION,
      proc,
      type: MessageType.CALL,
      serial,
      status: MessageStatus.OK,
    };
    return new Promise((resolve, reject) => {
      this.#replies.set(serial, ({ header: reply, body: payload }) => {
        this.#replies.delete(serial);
        expect(reply).toMatchObject({ prog: REMOTE_PROGRAM, proc, type: MessageType.REPLY });
        if (reply.status === MessageStatus.ERROR) reject(errorFromWire(decodeXdr(RemoteError, payload)));
        else resolve(info.ret ? decodeXdr(info.ret, payload) : undefined);
      });
      this.#socket.write(encodePacket(header, body));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#socket.once('close', () => resolve());
      this.#socket.end();
    });
  }
}

async function virsh(...args: string[]): Promise<string> {
  return (await execa('virsh', ['-c', 'test:///default', ...args])).stdout.trim();
}

// libvirtd 9.0 runs beside the tests (scripts/setup.sh starts it): a missing socket is a failure.
describe('raw RPC against libvirtd 9.0', () => {
  let session: RawSession;
  let dom: RemoteNonnullDomain;

  beforeAll(async () => {
    session = await RawSession.open(SOCKET);
    // As virsh does: ask which authentication the socket wants, and do polkit's (a no-op for root).
    const { types } = (await session.call(REMOTE_PROC_AUTH_LIST)) as { types: number[] };
    if (types.includes(REMOTE_AUTH_POLKIT)) await session.call(REMOTE_PROC_AUTH_POLKIT);
    await session.call(REMOTE_PROC_CONNECT_OPEN, { name: 'test:///default', flags: VIR_CONNECT_RO });
  });

  afterAll(async () => {
    await session?.call(REMOTE_PROC_CONNECT_CLOSE);
    await session?.close();
  });

  it('gets the same hostname as virsh', async () => {
    expect(await session.call(REMOTE_PROC_CONNECT_GET_HOSTNAME)).toEqual({
      hostname: await virsh('hostname'),
    });
  });

  it('looks up the test domain with its uuid and id', async () => {
    const reply = (await session.call(REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, { name: 'test' })) as {
      dom: RemoteNonnullDomain;
    };
    dom = reply.dom;
    const uuid = Buffer.from(dom.uuid).toString('hex');
    expect((await virsh('domuuid', 'test')).replaceAll('-', '')).toBe(uuid);
    expect(dom).toMatchObject({ name: 'test', id: Number(await virsh('domid', 'test')) });
  });

  it('gets the domain state virsh shows', async () => {
    expect(await virsh('domstate', '--reason', 'test')).toBe('running (unknown)');
    expect(await session.call(REMOTE_PROC_DOMAIN_GET_STATE, { dom, flags: 0 })).toEqual({
      state: VIR_DOMAIN_RUNNING,
      reason: VIR_DOMAIN_RUNNING_UNKNOWN,
    });
  });

  it('decodes domain info with its char, short and hyper fields', async () => {
    const info = await session.call(REMOTE_PROC_DOMAIN_GET_INFO, { dom });
    expect(info).toMatchObject({
      state: VIR_DOMAIN_RUNNING,
      maxMem: 8388608n,
      memory: 2097152n,
      nrVirtCpu: 2,
    });
  });

  // rpcgen sends each char of these arrays as a whole int: decoding them proves that layout.
  const text = (chars: number[]): string => String.fromCharCode(...chars).replace(/\0.*$/s, '');

  it('decodes node info with its fixed char model[32]', async () => {
    const info = (await session.call(REMOTE_PROC_NODE_GET_INFO)) as {
      model: number[];
      cpus: number;
      mhz: number;
    };
    expect(info.model).toHaveLength(32);
    const nodeinfo = await virsh('nodeinfo');
    expect(nodeinfo).toMatch(new RegExp(`CPU model:\\s+${text(info.model)}\n`));
    expect(nodeinfo).toMatch(new RegExp(`CPU\\(s\\):\\s+${info.cpus}\n`));
  });

  it('decodes the security label with its variable char array', async () => {
    const ret = (await session.call(REMOTE_PROC_DOMAIN_GET_SECURITY_LABEL, { dom })) as {
      label: number[];
      enforcing: number;
    };
    expect(await virsh('dominfo', 'test')).toMatch(`Security label: ${text(ret.label)} (enforcing)`);
    expect(ret.enforcing).toBe(1);
  });

  it("maps an error reply to VirtError NO_DOMAIN with the server's domain and text", async () => {
    const failure = await session.call(REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, { name: 'no-such-domain' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isVirtError(failure, 'NO_DOMAIN')).toBe(true);
    // The test driver raises NO_DOMAIN without detail, so the text is the code's bare one.
    expect((failure as VirtError).domain).toBe('TEST');
    expect((failure as VirtError).message).toBe('Domain not found');
  });
});
