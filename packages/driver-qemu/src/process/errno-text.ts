import { getSystemErrorMap } from 'node:util';

const SYSTEM_ERRORS = getSystemErrorMap();

/**
 * The strerror-like text for an errno error (`connect ECONNREFUSED /x` → `Connection refused`),
 * because libvirt's system errors end with strerror, not with Node's message.
 */
export function errnoText(error: NodeJS.ErrnoException): string {
  const text = error.errno === undefined ? undefined : SYSTEM_ERRORS.get(error.errno)?.[1];
  if (text === undefined) return error.message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
