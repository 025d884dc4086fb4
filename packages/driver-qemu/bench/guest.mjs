// The bench's guest and its clocks: the same domain XML for virtkit and libvirt, the serial log
// both are timed by, and the statistics printed.
import { setTimeout as sleep } from 'node:timers/promises';
import { bootCount } from '../dist/testing/index.js';

export {
  makePowerbuttonGuest as makeGuest,
  POWERBUTTON_IMAGE as GUEST_IMAGE,
} from '../dist/testing/index.js';

/** Both sides poll the serial log at this interval, so the polling bias is the same for each. */
export const POLL_MS = 5;
const WAIT_TIMEOUT_MS = 60_000;

/** Resolves once the guest has printed BOOT `count` times. */
export async function waitForBoots(serialLog, count) {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  while ((await bootCount(serialLog)) < count) {
    if (Date.now() > deadline)
      throw new Error(`${serialLog}: no BOOT #${count} within ${WAIT_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

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
