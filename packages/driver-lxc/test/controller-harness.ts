// Shared by the controller tests: start a controller on a run dir, talk to its sockets.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONTROLLER_ENTRY, type ControllerMessage, RUN_FILES } from '../src/controller/index.js';

export function requireBuiltController(): void {
  if (!existsSync(CONTROLLER_ENTRY)) {
    throw new Error(`${CONTROLLER_ENTRY} is missing: run pnpm --filter @virtkit/driver-lxc build first`);
  }
}

/** Writes live.xml and starts the controller detached, its output on `<runDir>.log`; returns its pid. */
export async function startController(runDir: string, xml: string): Promise<number> {
  await mkdir(runDir, { recursive: true });
  await writeFile(join(runDir, RUN_FILES.def), xml);
  const log = openSync(`${runDir}.log`, 'a');
  try {
    const child = spawn(process.execPath, [CONTROLLER_ENTRY, runDir], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.unref();
    if (child.pid === undefined) throw new Error('controller did not start');
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Connects as soon as the controller listens (the socket file appears a moment before it accepts). */
async function connectWhenThere(path: string): Promise<Socket> {
  return await waitFor(
    path,
    () =>
      new Promise<Socket | undefined>((resolve) => {
        const socket = connect(path, () => resolve(socket));
        socket.once('error', () => resolve(undefined));
      }),
  );
}

/** A manager's end of monitor.sock: every message received, in order. */
export class MonitorClient {
  readonly messages: ControllerMessage[] = [];
  closed = false;
  private constructor(readonly socket: Socket) {
    let pending = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      pending += chunk;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        this.messages.push(JSON.parse(pending.slice(0, nl)) as ControllerMessage);
        pending = pending.slice(nl + 1);
      }
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {});
  }
  static async connect(runDir: string): Promise<MonitorClient> {
    return new MonitorClient(await connectWhenThere(join(runDir, RUN_FILES.monitor)));
  }
  next<E extends ControllerMessage['event']>(event: E, timeoutMs?: number) {
    return waitFor(
      `monitor event ${event}`,
      () => {
        const found = this.messages.find((m) => m.event === event);
        const exit = this.messages.find((m) => m.event === 'exit');
        // Waiting for anything but the end, an early end fails with the controller's reason.
        if (!found && exit) throw new Error(`container ended instead: ${JSON.stringify(exit)}`);
        return found as Extract<ControllerMessage, { event: E }> | undefined;
      },
      timeoutMs,
    );
  }
  close(): void {
    this.socket.destroy();
  }
}

/** A console client: the reply to its hello, then everything the console printed. */
export class ConsoleClient {
  output = '';
  reply: unknown;
  closed = false;
  private marks = 0;
  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      if (this.reply === undefined) {
        const nl = chunk.indexOf('\n');
        this.reply = JSON.parse(chunk.slice(0, nl));
        this.output += chunk.slice(nl + 1);
      } else this.output += chunk;
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {});
  }
  static async open(runDir: string, force = false): Promise<ConsoleClient> {
    const socket = await connectWhenThere(join(runDir, RUN_FILES.console));
    const client = new ConsoleClient(socket);
    socket.write(`${JSON.stringify({ force })}\n`);
    await waitFor('console reply', () => client.reply);
    return client;
  }
  /** Types `command` on the console and returns what it printed (up to a sentinel echoed after it). */
  async run(command: string, timeoutMs = 10_000): Promise<string> {
    const mark = `@@${++this.marks}@@`;
    const start = this.output.length;
    // The quotes keep an echoed input line from matching the sentinel.
    this.socket.write(`${command}\necho "@@""${this.marks}@@"\n`);
    const end = await waitFor(
      `console output of ${command}`,
      () => {
        const at = this.output.indexOf(mark, start);
        return at >= 0 ? at : undefined;
      },
      timeoutMs,
    );
    return this.output.slice(start, end).replaceAll('\r', '');
  }
  close(): void {
    this.socket.destroy();
  }
}
