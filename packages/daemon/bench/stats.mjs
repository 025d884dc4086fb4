// The summaries every bench prints.
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/** Median and p90 of `samples` (milliseconds). */
export function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
}

export const format = ({ median, p90 }) => `median ${median.toFixed(3)} ms, p90 ${p90.toFixed(3)} ms`;
