import type { GuestEvent } from '@virtkit/core';
import type { QmpEvent, QmpEventMap } from './qmp-types.js';

type EventTranslation = { [E in keyof QmpEventMap]?: (data: QmpEventMap[E]) => GuestEvent };

/**
 * QEMU events that move the lifecycle policy. The rest (POWERDOWN, SUSPEND, …) only report
 * that something was asked for; their consequence arrives as one of these.
 */
const POLICY_INPUTS: EventTranslation = {
  SHUTDOWN: (data) => ({ type: 'guest-shutdown', guestInitiated: data.guest }),
  STOP: () => ({ type: 'guest-stopped' }),
  RESUME: () => ({ type: 'guest-resumed' }),
  RESET: (data) => ({ type: 'guest-reset', guestInitiated: data.guest }),
  GUEST_PANICKED: () => ({ type: 'guest-panicked' }),
};

/** The policy input a QEMU event stands for, or undefined when it does not change state. */
export function policyInputForEvent(event: QmpEvent): GuestEvent | undefined {
  const translate = POLICY_INPUTS[event.event as keyof QmpEventMap] as
    | ((data: QmpEvent['data']) => GuestEvent)
    | undefined;
  return translate?.(event.data);
}
