// The bench's guest and its clocks: the same domain XML for virtkit and libvirt, the serial log
// both are timed by, and the statistics printed.
import { readFile, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export {
  makePowerbuttonGuest as makeGuest,
  POWERBUTTON_IMAGE as GUEST_IMAGE,
} from '../dist/testing/index.js';

/** Both sides poll the serial log at this interval, so the polling bias is the same for each. */
export const POLL_MS = 5;
const WAIT_TIMEOUT_MS = 60_000;

/** Now, as wall-clock milliseconds with the monotonic clock's resolution. */
export const wallNow = () => performance.timeOrigin + performance.now();

const printed = async (serialLog, word) =>
  (await readFile(serialLog, 'utf8').catch(() => '')).split(word).length - 1;

/**
 * Resolves once the guest has printed `word` (BOOT, POWEROFF) `count` times, with when it printed
 * it: the serial file's mtime (after either line the guest writes nothing for ~100 ms). Polling
 * only notices the line; the time comes from the kernel, so no side's polling or event loop biases it.
 */
export async function waitForLine(serialLog, word, count) {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  while ((await printed(serialLog, word)) < count) {
    if (Date.now() > deadline)
      throw new Error(`${serialLog}: no ${word} #${count} within ${WAIT_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
  return Number((await stat(serialLog, { bigint: true })).mtimeNs) / 1e6;
}

export const waitForBoots = (serialLog, count) => waitForLine(serialLog, 'BOOT', count);

/** Resolves with `promise`, or rejects after `ms` saying what was awaited. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Milliseconds `work` takes, from before it is issued. */
export async function timed(work) {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The nearest-rank percentile `p` (0–100) of `values`. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}
