import { getSystemErrorMap } from 'node:util';
import { VirtError } from '../errors/index.js';

/** Node's `ENOENT: no such file or directory, open '…'` → `No such file or directory`, as strerror says it. */
function strerror(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = /^E[A-Z0-9]+: ([^,]+)/.exec(message)?.[1] ?? message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** libvirt's virReportSystemError shape: `<what failed> '<path>': <strerror>`. */
export function systemError(action: string, path: string, error: unknown): VirtError {
  return new VirtError('SYSTEM_ERROR', `${action} '${path}': ${strerror(error)}`, { cause: error });
}

export function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

const SYSTEM_ERRORS = getSystemErrorMap();

/**
 * strerror's text for a Node errno error (`connect ECONNREFUSED /x` → `Connection refused`), as
 * libvirt's system errors end; the error's own message when it carries no errno.
 */
export function errnoText(error: unknown): string {
  const errno = (error as NodeJS.ErrnoException | undefined)?.errno;
  const text = errno === undefined ? undefined : SYSTEM_ERRORS.get(errno)?.[1];
  if (text === undefined) return error instanceof Error ? error.message : String(error);
  return text.charAt(0).toUpperCase() + text.slice(1);
}
