import { VirtError } from '../errors/index.js';

/**
 * Checks that a domain name can be a file name in the store, with libvirt's
 * errors for '/' and newlines. A leading '.' is refused too, so a name never
 * collides with hidden or temp files; NUL because no path may hold it.
 */
export function validateName(name: string): void {
  if (name === '') throw new VirtError('INVALID_ARG', 'domain name must not be empty');
  if (name.includes('/')) throw new VirtError('XML_ERROR', `name ${name} cannot contain '/'`);
  if (name.startsWith('.')) throw new VirtError('XML_ERROR', `name ${name} cannot start with '.'`);
  const illegal = /[\n\0]/.exec(name)?.[0];
  if (illegal !== undefined) throw new VirtError('XML_DETAIL', `invalid char in name: ${illegal}`);
}
