import type { Duplex } from 'node:stream';
import { isVirtError, VirtError } from '@virtkit/core';
import { REMOTE_PROCEDURES } from '../generated/remote-protocol.js';
import {
  encodePacket,
  errorBody,
  isKeepalive,
  KEEPALIVE_PROC_PING,
  keepalivePing,
  keepalivePong,
  type MessageHeader,
  MessageStatus,
  MessageType,
  type Packet,
  PacketDecoder,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
} from '../wire/index.js';
import { decodeXdr, encodeXdr, type ProcedureInfo } from '../xdr/index.js';
import { ClientSession } from './client-session.js';
import type { DriverHub } from './driver-hub.js';
import { KeepaliveMonitor, type KeepaliveSettings, SERVER_KEEPALIVE } from './keepalive-monitor.js';
import { type Logger, SILENT_LOGGER } from './logger.js';
import { REMOTE_HANDLERS } from './procedures/index.js';
import { ServerStream, StreamReply } from './server-stream.js';
import { unsupportedProcedure } from './unsupported-procedure.js';

export interface ServeClientOptions {
  /** The client came in on the read-only socket: its connection refuses every change. */
  readonly: boolean;
  hub: DriverHub;
  log?: Logger;
  /** The server's keepalive; libvirtd's defaults unless given. */
  keepalive?: KeepaliveSettings;
}

/** The cause behind an error, for the log: often the real reason (a driver's import, a syscall). */
function causeOf(error: Error): string {
  return error.cause instanceof Error ? ` (caused by: ${error.cause.message})` : '';
}

function rpcError(message: string): VirtError {
  return new VirtError('RPC', message, { domain: 'RPC', verbatim: true });
}

/**
 * Why a packet cannot be dispatched as a call of the remote program, in libvirt's words
 * (virNetServerProgramDispatch), or undefined when it can.
 */
function refusal(header: MessageHeader): VirtError | undefined {
  // libvirtd looks a program up by number and version together: another version is another program.
  if (header.prog !== REMOTE_PROGRAM || header.vers !== REMOTE_PROTOCOL_VERSION) {
    return rpcError(`Cannot find program ${header.prog} version ${header.vers}`);
  }
  if (header.type === MessageType.CALL_WITH_FDS) return rpcError('file descriptor passing is not supported');
  if (header.type !== MessageType.CALL) return rpcError(`Unexpected message type ${header.type}`);
  if (header.status !== MessageStatus.OK) return rpcError(`Unexpected message status ${header.status}`);
  if (!REMOTE_PROCEDURES.has(header.proc)) return rpcError(`unknown procedure: ${header.proc}`);
  return undefined;
}

/**
 * Serves one client until it hangs up: each CALL of the remote program is answered by a REPLY
 * with its serial (status ERROR and a remote_error when it fails), keepalive PINGs by PONGs, and
 * events go out as MESSAGEs. Calls run concurrently, as libvirtd's worker pool runs them; a
 * packet that breaks the framing closes the connection, never the daemon.
 */
export function serveClient(stream: Duplex, options: ServeClientOptions): Promise<void> {
  const log = options.log ?? SILENT_LOGGER;
  const decoder = new PacketDecoder();
  const send = (packet: Uint8Array): boolean => (stream.writable ? stream.write(packet) : true);
  /** Streams opened by this client's calls, by the call's serial. */
  const streams = new Map<number, ServerStream>();
  const keepalive = new KeepaliveMonitor(
    options.keepalive ?? SERVER_KEEPALIVE,
    () => send(keepalivePing()),
    () => {
      log.log('warning', 'dropping a client that stopped answering keepalive PINGs');
      stream.destroy();
    },
  );
  const session = new ClientSession({
    startKeepalive: () => keepalive.start(),
    readonly: options.readonly,
    hub: options.hub,
    log,
    sendEvent: (proc, body) =>
      send(
        encodePacket(
          {
            prog: REMOTE_PROGRAM,
            vers: REMOTE_PROTOCOL_VERSION,
            proc,
            type: MessageType.MESSAGE,
            serial: 0,
            status: MessageStatus.OK,
          },
          body,
        ),
      ),
  });

  const reply = (header: MessageHeader, status: number, body: Uint8Array): void => {
    send(encodePacket({ ...header, type: MessageType.REPLY, status }, body));
  };

  const fail = (header: MessageHeader, error: unknown): void => {
    if (!isVirtError(error))
      log.log('error', `procedure ${header.proc} failed: ${(error as Error)?.stack ?? error}`);
    else log.log('debug', `procedure ${header.proc} failed: ${error.message}${causeOf(error)}`);
    reply(header, MessageStatus.ERROR, errorBody(error));
  };

  async function call({ header, body }: Packet): Promise<void> {
    // refusal() let only the remote program's own procedures through.
    const info = REMOTE_PROCEDURES.get(header.proc) as ProcedureInfo;
    const handler = REMOTE_HANDLERS.get(header.proc);
    try {
      const args = info.args ? decodeXdr(info.args, body) : undefined;
      const result = await (handler ? handler(session, args) : unsupportedProcedure(session, info.name));
      if (result instanceof StreamReply) {
        openStream(header, result, info.ret ? encodeXdr(info.ret, result.ret) : new Uint8Array(0));
        return;
      }
      reply(header, MessageStatus.OK, info.ret ? encodeXdr(info.ret, result) : new Uint8Array(0));
    } catch (error) {
      fail(header, error);
    }
  }

  /** Registers the stream under the call's serial, replies, then lets the driver's data flow. */
  function openStream(header: MessageHeader, result: StreamReply, body: Uint8Array): void {
    const { serial } = header;
    const id = { prog: header.prog, vers: header.vers, proc: header.proc, serial };
    const output = {
      write: send,
      onceDrained: (listener: () => void) => stream.once('drain', listener),
    };
    const opened = new ServerStream(id, result.duplex, output, () => streams.delete(serial), log);
    streams.set(serial, opened);
    reply(header, MessageStatus.OK, body);
    opened.start();
  }

  function receive(packet: Packet): void {
    const { header } = packet;
    log.log('debug', `prog=${header.prog} proc=${header.proc} type=${header.type} serial=${header.serial}`);
    if (isKeepalive(header)) {
      if (header.proc === KEEPALIVE_PROC_PING) send(keepalivePong());
      return;
    }
    if (header.type === MessageType.STREAM && header.prog === REMOTE_PROGRAM) {
      const open = streams.get(header.serial);
      if (open) open.receive(header.status, packet.body);
      // Data may still arrive after a stream closed: libvirtd drops it too.
      else log.log('info', `ignoring data of stream ${header.serial}, which is not open`);
      return;
    }
    const refused = refusal(header);
    if (!refused) {
      void call(packet);
    } else if (header.type === MessageType.CALL || header.type === MessageType.CALL_WITH_FDS) {
      fail(header, refused);
    } else {
      // Stream data after a stream closed, stray replies: libvirt drops them too.
      log.log('info', refused.message);
    }
  }

  return new Promise<void>((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      keepalive.stop();
      for (const open of [...streams.values()]) open.abandon();
      session.close().then(resolve, (error: unknown) => {
        log.log('warning', `closing a client's connection failed: ${(error as Error).message}`);
        resolve();
      });
    };
    stream.on('data', (chunk: Buffer) => {
      let packets: Packet[];
      try {
        packets = decoder.push(chunk);
      } catch (error) {
        log.log('warning', `dropping client: ${(error as Error).message}`);
        stream.destroy();
        return;
      }
      if (packets.length > 0) keepalive.heard();
      for (const packet of packets) receive(packet);
    });
    stream.on('error', (error) => {
      log.log('debug', `client stream error: ${error.message}`);
      finish();
    });
    stream.on('end', () => {
      stream.end();
      finish();
    });
    stream.on('close', finish);
  });
}
