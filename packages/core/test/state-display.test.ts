import { describe, expect, it } from 'vitest';
import {
  DOMAIN_STATES,
  formatState,
  reasonNumber,
  STATE_REASONS,
  type StateWithReason,
  stateFromNumbers,
  stateNumber,
} from '../src/index.js';

describe('domain states and reasons', () => {
  it('numbers states as libvirt does on the wire', () => {
    expect(stateNumber('nostate')).toBe(0);
    expect(stateNumber('running')).toBe(1);
    expect(stateNumber('shutoff')).toBe(5);
    expect(stateNumber('pmsuspended')).toBe(7);
    expect(reasonNumber({ state: 'shutoff', reason: 'destroyed' })).toBe(2);
    expect(reasonNumber({ state: 'paused', reason: 'api-error' })).toBe(14);
    expect(reasonNumber({ state: 'running', reason: 'postcopy-failed' })).toBe(11);
  });

  it('prints virsh domstate text with and without reason', () => {
    expect(formatState({ state: 'running', reason: 'booted' }, true)).toBe('running (booted)');
    expect(formatState({ state: 'shutoff', reason: 'destroyed' }, true)).toBe('shut off (destroyed)');
    expect(formatState({ state: 'shutdown', reason: 'user' })).toBe('in shutdown');
    expect(formatState({ state: 'paused', reason: 'ioerror' }, true)).toBe('paused (I/O error)');
    expect(formatState({ state: 'blocked', reason: 'unknown' })).toBe('idle');
  });

  it('has a display string for every reason', () => {
    for (const state of DOMAIN_STATES) {
      for (const reason of STATE_REASONS[state]) {
        expect(formatState({ state, reason } as StateWithReason, true)).not.toContain('undefined');
      }
    }
  });

  it('maps wire numbers back, unknown values to unknown', () => {
    expect(stateFromNumbers(3, 1)).toEqual({ state: 'paused', reason: 'user' });
    expect(stateFromNumbers(5, 99)).toEqual({ state: 'shutoff', reason: 'unknown' });
    expect(stateFromNumbers(42, 0)).toEqual({ state: 'nostate', reason: 'unknown' });
  });
});
