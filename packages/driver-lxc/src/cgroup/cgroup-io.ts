import { access, readFile, writeFile } from 'node:fs/promises';
import { errnoText, VirtError } from '@virtkit/core';

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

/** Whether `path` is there (and, with `mode`, accessible so). */
export async function exists(path: string, mode?: number): Promise<boolean> {
  return access(path, mode).then(
    () => true,
    () => false,
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
