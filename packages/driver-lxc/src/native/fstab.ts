import { escapeXml, VirtError } from '@virtkit/core';

/** One `lxc.mount.entry` line: fstab fields. */
export interface FstabEntry {
  src: string;
  dst: string;
  type: string;
  options: string[];
}

export function parseFstabLine(value: string): FstabEntry {
  const parts = value.split(/\s+/).filter((p) => p !== '');
  if (parts.length < 4) throw new VirtError('INTERNAL_ERROR', `Too few fields in fstab line: ${value}`);
  const [src = '', dst = '', type = '', opts = ''] = parts;
  return { src, dst, type, options: opts.split(',') };
}

const UNITS: Record<string, number> = { '': 1 / 1024, k: 1, m: 1024, g: 1024 * 1024 };

function sizeKiB(opts: string[]): number | undefined {
  for (const o of opts) {
    const m = /^size=(\d+)([kmg%]?)$/i.exec(o);
    if (m) {
      const unit = (m[2] ?? '').toLowerCase();
      const factor = UNITS[unit];
      if (factor === undefined) return undefined;
      return Math.floor(Number(m[1]) * factor);
    }
  }
  return undefined;
}

/** Filesystem XML for a mount entry, or '' when the entry is one libvirt sets up itself (proc, sysfs). */
export function fstabToXml(e: FstabEntry): string {
  if (e.type === 'proc' || e.type === 'sysfs') return '';
  const target = e.dst.startsWith('/') ? e.dst : `/${e.dst}`;
  const ro = e.options.includes('ro') ? '  <readonly/>\n' : '';
  if (e.type === 'tmpfs') {
    const usage = sizeKiB(e.options) ?? 0;
    return `<filesystem type='ram' accessmode='passthrough'>\n  <source usage='${usage}' units='KiB'/>\n  <target dir='${escapeXml(target)}'/>\n${ro}</filesystem>\n`;
  }
  if (e.options.includes('bind') || e.type === 'none') {
    return `<filesystem type='mount' accessmode='passthrough'>\n  <source dir='${escapeXml(e.src)}'/>\n  <target dir='${escapeXml(target)}'/>\n${ro}</filesystem>\n`;
  }
  return `<filesystem type='block' accessmode='passthrough'>\n  <source dev='${escapeXml(e.src)}'/>\n  <target dir='${escapeXml(target)}'/>\n${ro}</filesystem>\n`;
}
