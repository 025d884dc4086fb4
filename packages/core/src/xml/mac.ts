import { VirtError } from '../errors/index.js';

/** virMacAddrParse: six 1–2 digit hex octets separated by ':'; written lower-case, zero-padded. */
export function parseMac(text: string): string {
  const parts = text.split(':');
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) {
    throw new VirtError('INVALID_ARG', `unable to parse mac address '${text}'`, { domain: 'DOMAIN' });
  }
  return parts.map((p) => p.toLowerCase().padStart(2, '0')).join(':');
}
