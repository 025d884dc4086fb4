import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killLeftoverQemus } from '@virtkit/driver-qemu/testing';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll } from 'vitest';

export const VIRTKITD = fileURLToPath(new URL('../bin/virtkitd.js', import.meta.url));

export interface RunningVirtkitd {
  readonly root: string;
  readonly rwSocket: string;
  readonly roSocket: string;
  readonly process: ResultPromise<{ reject: false }>;
  /** `test:///default` through this daemon's read-write (or read-only) socket. */
  testUri(readonly?: boolean): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | undefined>;
}

/** Runs virtkitd with `args`, wrapping execa so every test gets the same options. */
export function runVirtkitd(args: readonly string[], timeout = 20_000) {
  return execa(process.execPath, [VIRTKITD, ...args], { reject: false, timeout });
}

/** Polls `check` until it holds; fails naming `what` after `ms`. */
export async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A fresh temp root for one test; removed by the returned cleanup. */
export async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'virtkitd-test-'));
}

function accepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Starts virtkitd under `root` and waits until both sockets are served (the ro one is bound last). */
export async function startVirtkitd(root: string, extra: readonly string[] = []): Promise<RunningVirtkitd> {
  const rwSocket = join(root, 'run', 'virtkit-sock');
  const roSocket = join(root, 'run', 'virtkit-sock-ro');
  const child = runVirtkitd(['--root', root, '--log-file', join(root, 'virtkitd.log'), ...extra], 120_000);
  let exited = false;
  void child.then(() => {
    exited = true;
  });
  await until(async () => {
    if (exited) throw new Error(`virtkitd exited early: ${(await child).stderr}`);
    const mode = await stat(roSocket).then(
      (s) => s.mode & 0o777,
      () => 0,
    );
    // A SIGKILLed daemon leaves its socket files: only a connection proves a live one.
    return mode === 0o777 && (await accepts(roSocket));
  }, 'virtkitd to listen');
  return {
    root,
    rwSocket,
    roSocket,
    process: child,
    testUri: (readonly = false) => `test+unix:///default?socket=${readonly ? roSocket : rwSocket}`,
    async stop() {
      if (!exited) child.kill('SIGTERM');
      return (await child).exitCode;
    },
  };
}

export async function removeRoot(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

/** A process's resident set in KiB, as the kernel reports it. */
export async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
}

/**
 * One virtkitd under a temporary root for a whole describe block: started before its tests,
 * stopped after them with every QEMU it left and the root removed. Read `daemon` inside tests.
 */
export function useVirtkitd(extra: readonly string[] = []): { readonly daemon: RunningVirtkitd } {
  let running: RunningVirtkitd | undefined;
  let root: string | undefined;
  beforeAll(async () => {
    root = await tempRoot();
    running = await startVirtkitd(root, extra);
  });
  afterAll(async () => {
    if (root === undefined) return;
    await killLeftoverQemus(join(root, 'qemu', 'run', 'qemu'));
    await running?.stop();
    await removeRoot(root);
  });
  return {
    get daemon() {
      if (!running) throw new Error('virtkitd is started by beforeAll');
      return running;
    },
  };
}
