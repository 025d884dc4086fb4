import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { VirtError } from '@virtkit/core';
import type { ConsoleHello, ConsoleReply } from '../controller/protocol.js';
import { connectSocket } from './monitor-client.js';

const notRunning = () => new VirtError('OPERATION_INVALID', 'domain is not running', { domain: 'LXC' });

/**
 * Opens a session on a controller's console.sock (protocol.ts): the hello line, the reply line,
 * then the socket carries the console's bytes both ways. A console another client holds is
 * refused as libvirt's virChrdevOpen refuses it, unless `force` takes it over.
 */
export async function openConsoleSession(path: string, hello: ConsoleHello): Promise<Duplex> {
  let socket: Socket;
  try {
    socket = await connectSocket(path);
  } catch {
    throw notRunning();
  }
  socket.write(`${JSON.stringify(hello)}\n`);
  const reply = await readReply(socket);
  if (reply?.ok) return socket;
  socket.destroy();
  if (reply?.error === 'busy') {
    throw new VirtError('OPERATION_FAILED', 'Active console session exists for this domain', {
      domain: 'LXC',
    });
  }
  throw notRunning();
}

/**
 * The reply line, read in paused mode: whatever console bytes follow it are put back, and the
 * stream is left neither flowing nor paused, so the caller's first 'data' listener or pipe starts it.
 */
function readReply(socket: Socket): Promise<ConsoleReply | undefined> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const done = (reply: ConsoleReply | undefined) => {
      socket.off('readable', onReadable);
      socket.off('close', onClose);
      socket.off('error', onClose);
      resolve(reply);
    };
    const onReadable = () => {
      for (
        let chunk = socket.read() as Buffer | null;
        chunk !== null;
        chunk = socket.read() as Buffer | null
      ) {
        buffered = Buffer.concat([buffered, chunk]);
        const end = buffered.indexOf(0x0a);
        if (end < 0) continue;
        let reply: ConsoleReply | undefined;
        try {
          reply = JSON.parse(buffered.subarray(0, end).toString('utf8')) as ConsoleReply;
        } catch {
          reply = undefined;
        }
        const rest = buffered.subarray(end + 1);
        if (rest.length > 0) socket.unshift(rest);
        done(reply);
        return;
      }
    };
    const onClose = () => done(undefined);
    socket.on('readable', onReadable);
    socket.once('close', onClose);
    socket.once('error', onClose);
  });
}
