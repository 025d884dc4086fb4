import { type GuestEvent, NO_POLICY_FLAGS, type PolicyState, type StateWithReason } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import { missedEvents, type QmpRunState } from '../src/qmp/index.js';

const saved = (state: StateWithReason): PolicyState =>
  ({ ...state, flags: NO_POLICY_FLAGS, job: 'none' }) as PolicyState;

const RUNNING = saved({ state: 'running', reason: 'booted' });
const PAUSED = saved({ state: 'paused', reason: 'user' });
const CRASHED = saved({ state: 'crashed', reason: 'panicked' });

const CASES: [saved: PolicyState, running: boolean, status: QmpRunState, missed: GuestEvent[]][] = [
  [RUNNING, true, 'running', []],
  [PAUSED, false, 'paused', []],
  [RUNNING, false, 'shutdown', [{ type: 'guest-shutdown' }]],
  [RUNNING, false, 'paused', [{ type: 'guest-stopped' }]],
  [PAUSED, true, 'running', [{ type: 'guest-resumed' }]],
  [RUNNING, false, 'guest-panicked', [{ type: 'guest-panicked' }]],
  [CRASHED, false, 'guest-panicked', []],
];

describe('events a reattached domain missed, from query-status', () => {
  it.each(CASES)('saved %o, QEMU running=%s status=%s → %o', (state, running, status, missed) => {
    expect(missedEvents(state, { running, status })).toEqual(missed);
  });
});
