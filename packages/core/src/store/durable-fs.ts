import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoCode, systemError } from './fs-errors.js';

/**
 * Temp files start with a dot, which no valid entry name does, so a listing
 * never mistakes one for data; the pid in the name tells who left it.
 */
const TEMP_PATTERN = /^\..+\.tmp-\d+-[0-9a-f]+$/;

/** Temp paths this process is writing right now; a concurrent listing must not remove them. */
const inFlight = new Set<string>();

function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** fsync a directory so a rename or unlink in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `target` so that after a crash it holds either the old or the new
 * content, never a mix: write a temp file beside it, fsync, rename over, fsync the directory.
 */
export async function writeFileAtomic(target: string, data: string, mode = 0o600): Promise<void> {
  await replaceAtomic(target, 'Failed to write file', async (temp) => {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

/** Points the symlink `target` at `linkTo`, replacing any previous entry atomically. */
export async function symlinkAtomic(linkTo: string, target: string): Promise<void> {
  await replaceAtomic(target, 'Failed to create symlink', (temp) => symlink(linkTo, temp));
}

async function replaceAtomic(target: string, action: string, create: (temp: string) => Promise<void>) {
  const temp = tempPathFor(target);
  inFlight.add(temp);
  try {
    await create(temp);
    await rename(temp, target);
    await syncDir(dirname(target));
  } catch (error) {
    await rm(temp, { force: true });
    throw systemError(action, target, error);
  } finally {
    inFlight.delete(temp);
  }
}

/** Removes `target` if present and makes the removal durable. Returns whether it existed. */
export async function removeDurably(target: string): Promise<boolean> {
  try {
    await rm(target);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw systemError('Failed to remove file', target, error);
  }
  await syncDir(dirname(target));
  return true;
}

/**
 * Lists a directory's entries, deleting temp files a crashed writer left
 * behind (never one this process is still writing) and leaving them out.
 */
export async function listEntries(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw systemError('Failed to read directory', dir, error);
  }
  const entries: string[] = [];
  for (const name of names.sort()) {
    if (!TEMP_PATTERN.test(name)) {
      entries.push(name);
      continue;
    }
    const path = join(dir, name);
    if (!inFlight.has(path)) await rm(path, { force: true });
  }
  return entries;
}

/** Creates a directory (and its parents) owner-only, as domain XML may hold secrets. */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw systemError('Failed to create directory', dir, error);
  }
}

/** A file's text, or undefined when it does not exist. */
export async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw systemError('Failed to read file', file, error);
  }
}
