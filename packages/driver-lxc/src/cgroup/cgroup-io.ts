import { access, readFile, writeFile } from 'node:fs/promises';
import { getSystemErrorMap } from 'node:util';
import { VirtError } from '@virtkit/core';

const SYSTEM_ERRORS = getSystemErrorMap();

/** strerror's text for a Node errno error (`EINVAL` → `Invalid argument`), as libvirt's system errors end. */
export function errnoText(error: unknown): string {
  const errno = (error as NodeJS.ErrnoException | undefined)?.errno;
  const text = errno === undefined ? undefined : SYSTEM_ERRORS.get(errno)?.[1];
  if (text === undefined) return error instanceof Error ? error.message : String(error);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** libvirt's virCgroupSetValueRaw failure: `Unable to write to '<path>': <strerror>`. */
export async function writeCgroupFile(path: string, value: string): Promise<void> {
  try {
    // One write(2) per value: cgroup files take exactly one value per write.
    await writeFile(path, value);
  } catch (error) {
    throw new VirtError('SYSTEM_ERROR', `Unable to write to '${path}': ${errnoText(error)}`, {
      domain: 'CGROUP',
      cause: error,
    });
  }
}

export async function readCgroupFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new VirtError('SYSTEM_ERROR', `Unable to read from '${path}': ${errnoText(error)}`, {
      domain: 'CGROUP',
      cause: error,
    });
  }
}

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
