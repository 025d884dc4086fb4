import type { GuestEvent } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import { policyInputForEvent } from '../src/qmp/index.js';

const timestamp = { seconds: 0, microseconds: 0 };

const CASES: [event: string, data: Record<string, unknown>, input: GuestEvent | undefined][] = [
  ['SHUTDOWN', { guest: true, reason: 'guest-shutdown' }, { type: 'guest-shutdown', guestInitiated: true }],
  ['SHUTDOWN', { guest: false, reason: 'host-qmp-quit' }, { type: 'guest-shutdown', guestInitiated: false }],
  ['STOP', {}, { type: 'guest-stopped' }],
  ['RESUME', {}, { type: 'guest-resumed' }],
  ['RESET', { guest: true, reason: 'guest-reset' }, { type: 'guest-reset', guestInitiated: true }],
  [
    'RESET',
    { guest: false, reason: 'host-qmp-system-reset' },
    { type: 'guest-reset', guestInitiated: false },
  ],
  ['GUEST_PANICKED', { action: 'pause' }, { type: 'guest-panicked' }],
  ['POWERDOWN', {}, undefined],
  ['BLOCK_JOB_COMPLETED', { device: 'drive0' }, undefined],
];

describe('QEMU events as lifecycle policy inputs', () => {
  it.each(CASES)('%s %o → %o', (event, data, input) => {
    expect(policyInputForEvent({ event, data, timestamp })).toEqual(input);
  });
});
