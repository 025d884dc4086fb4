import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { VirtError } from '@virtkit/core';
import { prepareHostTools } from '../controller/host-tools.js';
import { CONTROLLER_ENTRY, controllerNodeArgs } from '../controller/index.js';
import type { SpareAssignment, SpareReply } from '../controller/protocol.js';

export interface HandedController {
  pid: number;
  /** Where this run's output starts in the log, to quote only its own lines in errors. */
  logOffset: number;
  /** Whether the controller said its sockets listen (false: it ended, or never answered in time). */
  ready: boolean;
}

/**
 * The manager's controllers, started ahead (a zygote, in spirit): loading Node and the controller
 * takes longer than the rest of a start, so one spare waits, detached as libvirt starts libvirt_lxc
 * (its own session, no reference keeping our event loop alive), for the next start's run directory.
 * Each container still gets its own controller process. A spare exits when its channel closes, so
 * it never outlives this manager.
 */
export class SpareControllers {
  /** The spare, from the moment it is being started. */
  #spare: Promise<ChildProcess> | undefined;
  #closed = false;

  constructor(private readonly runParent: string) {}

  /**
   * Hands `runDir` (live.xml written) to a controller: the waiting spare, or a new one when there is
   * none (many starts at once); resolves once it listens or has given up.
   */
  async hand(runDir: string, logPath: string, name: string, timeoutMs: number): Promise<HandedController> {
    // Before a spare is taken: without the tools no controller could start the container.
    const tools = await prepareHostTools().catch((error: Error) => {
      throw new VirtError('INTERNAL_ERROR', `guest failed to start: ${error.message}`, { domain: 'LXC' });
    });
    const taken = await this.#spare?.catch(() => undefined);
    this.#spare = undefined;
    const child = taken?.connected ? taken : await this.#start();
    const log = await open(logPath, 'a');
    let logOffset: number;
    try {
      await log.write(`${new Date().toISOString()}: starting up container ${name}\n`);
      logOffset = (await log.stat()).size;
    } finally {
      await log.close();
    }
    const assignment: SpareAssignment = { runDir, logPath, tools };
    const ready = await assign(child, assignment, timeoutMs);
    return { pid: child.pid as number, logOffset, ready };
  }

  /**
   * Starts the next spare in the background unless there is one. Called once a start is over, so
   * the spare's loading does not compete with the start for the CPU.
   */
  refill(): void {
    if (this.#closed || this.#spare) return;
    this.#spare = this.#start();
    this.#spare.catch((error: Error) => {
      process.emitWarning(`no spare controller: ${error.message}`, { code: 'VIRTKIT_LXC_SPARE' });
    });
  }

  /** Lets the spare go (it exits); no more are started. */
  close(): void {
    this.#closed = true;
    void this.#spare?.then(
      (child) => child.connected && child.disconnect(),
      () => {},
    );
    this.#spare = undefined;
  }

  async #start(): Promise<ChildProcess> {
    await mkdir(this.runParent, { recursive: true, mode: 0o700 });
    const child = spawn(
      process.execPath,
      [...controllerNodeArgs(), CONTROLLER_ENTRY, '--spare', this.runParent],
      {
        detached: true,
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
        cwd: this.runParent,
        env: {
          LC_ALL: 'C',
          PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        },
      },
    );
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) =>
        reject(new VirtError('SYSTEM_ERROR', `cannot execute binary ${process.execPath}: ${error.message}`)),
      );
    });
    child.on('error', () => {});
    child.unref();
    child.channel?.unref();
    return child;
  }
}

/** Sends the assignment and waits for `ready`; the channel holds our event loop only meanwhile. */
function assign(child: ChildProcess, assignment: SpareAssignment, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ready: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('disconnect', onGone);
      if (child.connected) {
        child.channel?.unref();
        if (!ready) child.disconnect();
      }
      resolve(ready);
    };
    const onMessage = (reply: SpareReply) => done(reply?.ready === true);
    const onGone = () => done(false);
    const timer = setTimeout(onGone, timeoutMs);
    child.on('message', onMessage);
    child.once('disconnect', onGone);
    child.channel?.ref();
    child.send(assignment, (error) => {
      if (error) done(false);
    });
  });
}
