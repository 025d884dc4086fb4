import { VirtError } from '../errors/index.js';
import type { DomainDef, LifecycleAction } from '../xml/index.js';

/** Actions allowed for on_poweroff and on_reboot: the coredump ones only make sense after a crash. */
export const POWER_LIFECYCLE_ACTIONS = ['destroy', 'restart', 'rename-restart', 'preserve'] as const;

/** The guest events a domain configures an action for (virDomainLifecycle). */
export const LIFECYCLE_EVENTS = ['poweroff', 'reboot', 'crash'] as const;

export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

/** The part of a domain definition the lifecycle policy reads. */
export type LifecycleConfig = Pick<DomainDef, 'onPoweroff' | 'onReboot' | 'onCrash'>;

/** libvirt's defaults when the XML leaves an element out. */
export const DEFAULT_LIFECYCLE_CONFIG: LifecycleConfig = {
  onPoweroff: 'destroy',
  onReboot: 'restart',
  onCrash: 'destroy',
};

/** Whether libvirt allows `action` for `event` (virDomainDefLifecycleActionAllowed). */
export function isLifecycleActionAllowed(event: LifecycleEvent, action: LifecycleAction): boolean {
  return event === 'crash' || (POWER_LIFECYCLE_ACTIONS as readonly string[]).includes(action);
}

/**
 * Rejects an action not allowed for its event with libvirt's error, checking
 * on_poweroff, on_reboot, on_crash in libvirt's order (virDomainDefLifecycleActionValidate).
 */
export function validateLifecycleConfig(def: LifecycleConfig): void {
  const actions: [LifecycleEvent, LifecycleAction][] = [
    ['poweroff', def.onPoweroff],
    ['reboot', def.onReboot],
    ['crash', def.onCrash],
  ];
  for (const [event, action] of actions) {
    if (!isLifecycleActionAllowed(event, action)) {
      throw new VirtError(
        'CONFIG_UNSUPPORTED',
        `Lifecycle event '${event}' doesn't support '${action}' action`,
        {
          domain: 'DOMAIN',
        },
      );
    }
  }
}
