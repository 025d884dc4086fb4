import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireStateLock, isVirtError } from '../src/index.js';

/** The pid of a process that has certainly exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'virtkit-lock-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('acquireStateLock', () => {
  it('lets one manager hold a state directory and refuses a second', async () => {
    const lock = await acquireStateLock(dir);
    expect(await readFile(lock.file, 'utf8')).toMatch(new RegExp(`^${process.pid} [0-9a-f]+\\n$`));

    const error = await acquireStateLock(dir).catch((e: unknown) => e);
    expect(isVirtError(error, 'OPERATION_FAILED')).toBe(true);
    expect((error as Error).message).toBe(
      `operation failed: state directory ${dir} is in use by process ${process.pid}`,
    );

    await lock.release();
    await lock.release();
    const again = await acquireStateLock(dir);
    await again.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const pid = await deadPid();
    await writeFile(join(dir, 'manager.lock'), `${pid} 0123456789abcdef\n`);
    const lock = await acquireStateLock(dir);
    expect((await readFile(lock.file, 'utf8')).startsWith(`${process.pid} `)).toBe(true);
    await lock.release();
  });

  it('refuses while the recorded owner process lives, and takes over once it has exited', async () => {
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    const exited = new Promise((resolve) => owner.on('exit', resolve));
    try {
      await writeFile(join(dir, 'manager.lock'), `${owner.pid} 0123456789abcdef\n`);
      await expect(acquireStateLock(dir)).rejects.toThrow(`is in use by process ${owner.pid}`);
    } finally {
      owner.kill();
      await exited;
    }
    const lock = await acquireStateLock(dir);
    await lock.release();
  });

  it('treats an unreadable owner record as stale', async () => {
    await writeFile(join(dir, 'manager.lock'), 'garbage');
    const lock = await acquireStateLock(dir);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('does not remove a lock that another manager has taken since', async () => {
    const lock = await acquireStateLock(dir);
    await writeFile(lock.file, `${process.pid} feedfacefeedface\n`);
    await lock.release();
    expect(await readFile(lock.file, 'utf8')).toBe(`${process.pid} feedfacefeedface\n`);
  });
});
