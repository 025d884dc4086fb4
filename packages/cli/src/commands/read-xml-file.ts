import { readFile } from 'node:fs/promises';
import type { Session } from '../session.js';

/** strerror texts for what reading a file usually fails with. */
const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
};

/** Reads a command's FILE argument, failing with virsh's virFileReadAll text. */
export async function readXmlFile(session: Session, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const verb = code === 'EISDIR' ? 'read' : 'open';
    return session.fail(`Failed to ${verb} file '${path}': ${STRERROR[code] ?? (error as Error).message}`);
  }
}
