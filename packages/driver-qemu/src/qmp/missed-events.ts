import type { GuestEvent, PolicyState } from '@virtkit/core';
import type { QmpCommandReturn } from './qmp-types.js';

type QueryStatus = QmpCommandReturn<'query-status'>;

/**
 * The events a domain saved in `saved` missed while no manager watched it, judged from what
 * QEMU's `query-status` says now (qemuProcessUpdateState). With -no-shutdown a guest that
 * powered off sits in status `shutdown`; the policy then finishes the shutdown or fake reboot.
 */
export function missedEvents(saved: PolicyState, now: QueryStatus): GuestEvent[] {
  if (now.status === 'shutdown') return [{ type: 'guest-shutdown' }];
  if (now.status === 'guest-panicked' && saved.state !== 'crashed') return [{ type: 'guest-panicked' }];
  if (now.running && saved.state === 'paused') return [{ type: 'guest-resumed' }];
  if (!now.running && saved.state === 'running') return [{ type: 'guest-stopped' }];
  return [];
}
