import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { connect as tlsConnect } from 'node:tls';
import { VirtError } from '@virtkit/core';
import { connectOrStart, type DaemonCommand } from './daemon-autostart.js';
import type { TransportSpec } from './remote-target.js';
import { tlsFiles } from './tls-files.js';

/**
 * Opens the byte stream a transport names; fails with libvirt's errors for each. `daemon`
 * is started when a unix socket has no listener.
 */
export async function openTransport(
  spec: TransportSpec,
  env: Readonly<Record<string, string | undefined>>,
  daemon?: DaemonCommand,
): Promise<Duplex> {
  switch (spec.kind) {
    case 'unix': {
      const { path } = spec;
      const connect = () => connected(netConnect({ path }), `Failed to connect socket to '${path}'`);
      return daemon ? connectOrStart(connect, daemon, env) : connect();
    }
    case 'tcp':
      return connected(
        netConnect({ host: spec.host, port: spec.port }),
        `unable to connect to server at '${spec.host}:${spec.port}'`,
      );
    case 'tls':
      return openTls(spec, env);
    case 'ssh':
      return spawnStream(spec.command, sshArgv(spec), env);
    case 'ext':
      return spawnStream(spec.command, [], env);
  }
}

/** The ssh command line, as libvirt's virNetSocketNewConnectSSH builds it. */
export function sshArgv(spec: Extract<TransportSpec, { kind: 'ssh' }>): string[] {
  return [
    ...(spec.port === undefined ? [] : ['-p', String(spec.port)]),
    ...(spec.user === undefined ? [] : ['-l', spec.user]),
    ...(spec.keyfile === undefined ? [] : ['-i', spec.keyfile]),
    '-T',
    '-e',
    'none',
    ...(spec.tty ? [] : ['-o', 'BatchMode=yes']),
    ...(spec.verify ? [] : ['-o', 'StrictHostKeyChecking=no']),
    '--',
    spec.host,
    spec.remoteCommand,
  ];
}

function connected(socket: Socket, failure: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        new VirtError('SYSTEM_ERROR', `${failure}: ${systemMessage(error)}`, {
          domain: 'RPC',
          verbatim: true,
          cause: error,
        }),
      );
    socket.once('error', onError);
  });
}

/**
 * TLS with the client certificate, then libvirt's extra step: the server sends one byte,
 * 1, once it has accepted the certificate (virNetClientSetTLSSession waits for it).
 */
async function openTls(
  spec: Extract<TransportSpec, { kind: 'tls' }>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Duplex> {
  const files = tlsFiles(spec.pkiPath, env);
  const [ca, cert, key] = await Promise.all([files.ca, files.cert, files.key].map((path) => readPem(path)));
  const socket = tlsConnect({
    host: spec.host,
    port: spec.port,
    servername: spec.host,
    ca,
    cert,
    key,
    rejectUnauthorized: spec.verify,
  });
  const stream = await new Promise<Duplex>((resolve, reject) => {
    socket.once('secureConnect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (error: Error) =>
      reject(
        new VirtError('AUTH_FAILED', `TLS handshake failed ${error.message}`, {
          domain: 'RPC',
          cause: error,
        }),
      );
    socket.once('error', onError);
  });
  await new Promise<void>((resolve, reject) => {
    const onReadable = () => {
      const byte = stream.read(1) as Buffer | null;
      if (byte === null) return;
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      if (byte[0] === 1) resolve();
      else reject(refused());
    };
    const onEnd = () => reject(refused());
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
  });
  return stream;
}

/** libvirt's words when the server does not confirm our certificate. */
function refused(): VirtError {
  return new VirtError('RPC', 'server verification (of our certificate or IP address) failed', {
    domain: 'RPC',
  });
}

async function readPem(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new VirtError('SYSTEM_ERROR', `Cannot read CA certificate '${path}': ${systemMessage(error)}`, {
      domain: 'RPC',
      verbatim: true,
      cause: error,
    });
  }
}

/** How much of a command's stderr is kept for the end-of-file error: ssh's last words. */
const STDERR_KEPT = 64 * 1024;

/**
 * A child process's stdin/stdout as one stream. Its stderr is kept, not shown: as libvirt's
 * virNetSocket does, it only surfaces when the command ends, inside the end-of-file error
 * (`End of file while reading data: nc: …: Input/output error`), so ssh's chatter
 * ("Permanently added … to the list of known hosts") never reaches the user otherwise.
 */
function spawnStream(
  command: string,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<Duplex> {
  const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...env } });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEPT);
  });
  const output = new PassThrough();
  child.stdout.pipe(output, { end: false });
  // The output ends once both pipes have: only then is all of stderr in.
  Promise.all([finished(child.stdout), finished(child.stderr)]).then(
    () => endOutput(output, stderr),
    () => endOutput(output, stderr),
  );
  const stream = Duplex.from({ readable: output, writable: child.stdin });
  // Closing the stream ends the command, as libvirt kills its ssh child.
  stream.once('close', () => child.kill());
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(stream));
    child.once('error', (error) =>
      reject(
        new VirtError('SYSTEM_ERROR', `Cannot run ${command}: ${systemMessage(error)}`, {
          domain: 'RPC',
          verbatim: true,
          cause: error,
        }),
      ),
    );
  });
}

function endOutput(output: PassThrough, stderr: string): void {
  if (output.destroyed) return;
  const said = stderr.replace(/\n+$/, '');
  if (said === '') output.end();
  else output.destroy(new Error(`End of file while reading data: ${said}: Input/output error`));
}

/** An errno's text as libvirt's virReportSystemError words it (`No such file or directory`). */
function systemMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && SYSTEM_TEXTS[code]) ?? (error as Error).message;
}

const SYSTEM_TEXTS: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  ECONNREFUSED: 'Connection refused',
  EACCES: 'Permission denied',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
};
