import { spawnSync } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { type CommandDef, type CommandOptions, domainArg, flag } from '../command-types.js';
import type { TextSink } from '../io.js';
import type { Session } from '../session.js';

/** virsh's default escape sequence, as telnet's. */
const DEFAULT_ESCAPE = '^]';

/** The byte an escape sequence stands for: `^X` is Ctrl+X, anything else its one character. */
export function escapeByte(sequence: string): number {
  if (sequence.length === 2 && sequence[0] === '^')
    return sequence.charAt(1).toUpperCase().charCodeAt(0) ^ 0x40;
  return sequence.charCodeAt(0);
}

/** A terminal's input, when `stdin` is one. */
interface TtyInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  fd?: number;
  setRawMode?(raw: boolean): unknown;
}

/** Writes guest output as bytes where the sink is a stream (a terminal), as text otherwise (tests). */
function writeBytes(sink: TextSink, chunk: Buffer): void {
  if ('writable' in sink) (sink as NodeJS.WritableStream).write(chunk);
  else sink.write(chunk.toString('utf8'));
}

/**
 * Relays the terminal and the console until the escape key is typed (the stream is finished),
 * the guest's side ends, or the stream fails. Resolves to the failure, if any.
 */
function relay(
  stdin: TtyInput,
  stdout: TextSink,
  stream: Duplex,
  escapeKey: number,
): Promise<Error | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      stdin.off('data', onInput);
      stream.off('data', onOutput);
      stdin.pause();
      resolve(error);
    };
    const onInput = (data: Buffer | string): void => {
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      // As virsh, the escape counts as the first byte of what one read returns (a key typed alone);
      // inside pasted text it is passed on.
      if (chunk[0] !== escapeKey) {
        stream.write(chunk);
        return;
      }
      // The escape ends the session gracefully: virStreamFinish, as virsh does.
      stream.end();
      finish();
    };
    const onOutput = (chunk: Buffer): void => writeBytes(stdout, chunk);
    stream.on('data', onOutput);
    stream.once('end', () => finish());
    stream.once('close', () => finish());
    stream.once('error', (error: Error) => finish(error));
    stdin.on('data', onInput);
    stdin.resume();
  });
}

async function runConsole(session: Session, options: CommandOptions): Promise<boolean> {
  const domain = await session.lookupDomain(options);
  let state: string;
  try {
    state = (await domain.getState()).state;
  } catch {
    return session.fail('Unable to get domain status');
  }
  if (state === 'shutoff') return session.fail('The domain is not running');
  const stdin = (session.io.stdin ?? process.stdin) as TtyInput;
  if (!stdin.isTTY) return session.fail('Cannot run interactive console without a controlling TTY');
  const devName = options.string('devname');
  const sequence = session.settings.escape ?? DEFAULT_ESCAPE;
  session.printExtra(`Connected to domain '${domain.ref.name}'\n`);
  session.printExtra(
    `Escape character is ${sequence}${sequence[0] === '^' ? ` (Ctrl + ${sequence[1]})` : ''}\n`,
  );
  // Raw mode: every key, Ctrl-C included, goes to the guest; only the escape byte stays here.
  stdin.setRawMode?.(true);
  // libuv's raw mode keeps ONLCR, so the guest's "\r\n" would reach the screen as "\r\r\n";
  // virsh's cfmakeraw turns output processing off. setRawMode(false) restores the saved termios.
  if (stdin.fd === 0) spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'] });
  try {
    const stream = await domain.openConsole({
      ...(devName !== undefined ? { devName } : {}),
      force: options.flag('force'),
      safe: options.flag('safe'),
    });
    const failure = await relay(stdin, session.io.stdout, stream, escapeByte(sequence));
    if (failure) throw failure;
    return true;
  } finally {
    stdin.setRawMode?.(false);
  }
}

/** virsh's `console` (Domain Management group). */
export const DOMAIN_CONSOLE_COMMANDS: readonly CommandDef[] = [
  {
    name: 'console',
    help: 'connect to the guest console',
    desc: 'Connect the virtual serial console for the guest',
    options: [
      domainArg(),
      { name: 'devname', type: 'string', help: 'character device name' },
      flag('force', 'force console connection (disconnect already connected sessions)'),
      flag('safe', 'only connect if safe console handling is supported'),
    ],
    run: runConsole,
  },
];
