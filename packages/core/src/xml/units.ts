import { VirtError } from '../errors/index.js';

const POWERS = 'kmgtpe';

/**
 * Scales `value` by a libvirt unit suffix (virScaleInteger): b/byte/bytes; k, KiB (1024) or
 * KB (1000), and likewise M, G, T, P, E. An empty suffix means `defaultScale`.
 */
export function scaleInteger(value: number, suffix: string | undefined, defaultScale: number): number {
  if (suffix === undefined || suffix === '') return value * defaultScale;
  const lower = suffix.toLowerCase();
  if (lower === 'b' || lower === 'byte' || lower === 'bytes') return value;
  const power = POWERS.indexOf(lower.charAt(0)) + 1;
  let base: number;
  if (power === 0) base = 0;
  else if (lower.length === 1 || lower.slice(1) === 'ib') base = 1024;
  else if (lower.slice(1) === 'b') base = 1000;
  else base = 0;
  if (base === 0) throw new VirtError('INVALID_ARG', `unknown suffix '${suffix}'`);
  const scaled = value * base ** power;
  if (!Number.isSafeInteger(scaled)) throw new VirtError('OVERFLOW', `value too large: ${value}${suffix}`);
  return scaled;
}

/** A size with a unit, in KiB rounded up, as libvirt stores memory sizes. */
export function toKiB(value: number, unit: string | undefined, defaultScale = 1024): number {
  return Math.ceil(scaleInteger(value, unit, defaultScale) / 1024);
}
