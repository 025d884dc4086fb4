import { xmlError } from '../xml-errors.js';

/** libvirt's bitmap size limit for cpu sets (VIR_DOMAIN_CPUMASK_LEN). */
const MAX_CPUS = 16384;

/** Parses a libvirt cpuset string ("0-3,^2,8") into its members (virBitmapParse). */
export function parseCpuSet(text: string, what: string): Set<number> {
  const set = new Set<number>();
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const m = /^(\^)?(\d+)(?:-(\d+))?$/.exec(part);
    const start = Number(m?.[2]);
    const end = m?.[3] === undefined ? start : Number(m[3]);
    if (!m || end < start || end >= MAX_CPUS) throw xmlError(`Failed to parse bitmap '${text}' in ${what}`);
    for (let i = start; i <= end; i++) {
      if (m[1]) set.delete(i);
      else set.add(i);
    }
  }
  return set;
}

export function overlaps(a: Set<number>, b: Set<number>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

/** Writes a set the way virBitmapFormat does: ascending, runs as "a-b", comma-separated. */
export function formatCpuSet(set: Set<number>): string {
  const sorted = [...set].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    runs.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return runs.join(',');
}
