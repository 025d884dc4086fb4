/** libvirt's bitmap syntax (`0-3,^2,7`): the numbers it names, ascending. */
export function parseNodeSet(text: string): number[] {
  const set = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const negate = part.startsWith('^');
    const [from = '', to = from] = (negate ? part.slice(1) : part).split('-');
    for (let n = Number(from); n <= Number(to); n++) {
      if (negate) set.delete(n);
      else set.add(n);
    }
  }
  return [...set].sort((a, b) => a - b);
}

/** Consecutive runs of `numbers` as `a-b` (or `a` alone), as libvirt formats a bitmap. */
export function nodeRanges(numbers: readonly number[]): string[] {
  const ranges: string[] = [];
  let start = numbers[0];
  for (let i = 0; start !== undefined && i < numbers.length; i++) {
    const here = numbers[i] as number;
    const next = numbers[i + 1];
    if (next === here + 1) continue;
    ranges.push(here === start ? `${start}` : `${start}-${here}`);
    start = next;
  }
  return ranges;
}
