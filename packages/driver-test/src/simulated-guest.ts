import {
  type DomainEventPayload,
  type DomainRef,
  decide,
  type PolicyAction,
  type PolicyInput,
} from '@virtkit/core';
import type { TestDomain } from './test-domain.js';
import type { TestNode } from './test-node.js';

/**
 * The test hypervisor's guest does what it is asked at once: what it reports back for each
 * action of the lifecycle policy, fed through the policy in turn.
 */
const GUEST_RESPONSES: Readonly<Record<PolicyAction, PolicyInput | undefined>> = {
  start: undefined,
  pause: { type: 'guest-stopped' },
  continue: { type: 'guest-resumed' },
  reset: { type: 'guest-reset' },
  'power-down': { type: 'guest-shutdown', guestInitiated: false },
  'guest-reboot': { type: 'guest-reset', guestInitiated: true },
  kill: { type: 'guest-gone' },
  // Simulated guests restart in place and dump nothing.
  restart: undefined,
  dump: undefined,
};

/**
 * Runs `input` through core's lifecycle policy for `domain`, then the simulated guest's
 * responses, until the domain settles; records each state, then emits the events in order,
 * each naming the domain as it was then. A refused request throws before anything changes.
 */
export function driveDomain(node: TestNode, domain: TestDomain, input: PolicyInput): void {
  const events: [DomainRef, DomainEventPayload][] = [];
  const queue: PolicyInput[] = [input];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const wasActive = domain.active;
    const decision = decide({ ...domain.state, flags: domain.flags, job: 'none' }, next, domain.def, {
      errorDomain: 'DOMAIN',
      shutdownNeedsRunning: false,
      restartBoots: true,
    });
    const { flags, ...state } = decision.next;
    domain.state = state;
    domain.flags = flags;
    for (const action of decision.do) {
      if (action === 'start') {
        domain.id = node.takeId();
        domain.managedSave = false;
      }
      const response = GUEST_RESPONSES[action];
      if (response) queue.push(response);
    }
    if (wasActive && !domain.active) {
      domain.stopped();
      if (!domain.persistent) node.remove(domain);
    }
    for (const payload of decision.emit) events.push([domain.ref, payload]);
  }
  for (const [ref, payload] of events) node.emit(ref, [payload]);
}
