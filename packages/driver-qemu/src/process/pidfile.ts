import { readFile, rename, writeFile } from 'node:fs/promises';

/** Writes `pid` atomically, so a reader never sees a half-written file. */
export async function writePidfile(path: string, pid: number): Promise<void> {
  const temp = `${path}.new`;
  await writeFile(temp, `${pid}\n`, { flush: true });
  await rename(temp, path);
}

/** The pid in `path`, or undefined when the file is missing or holds no pid. */
export async function readPidfile(path: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}
