import { randomUUID } from 'node:crypto';
import { VirtError } from '../errors/index.js';

/**
 * Normalises a UUID the way virUUIDParse accepts it: 32 hex digits, dashes and blanks between
 * them ignored; written back in the canonical 8-4-4-4-12 lower-case form.
 */
export function parseUuid(text: string): string {
  const hex = text.trim().replace(/[-\s]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new VirtError('INTERNAL_ERROR', 'malformed uuid element', { domain: 'DOMAIN' });
  }
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A random (v4) UUID, as libvirt generates when the XML has none. */
export function generateUuid(): string {
  return randomUUID();
}
