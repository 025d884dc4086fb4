import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIFECYCLE_CONFIG,
  isLifecycleActionAllowed,
  LIFECYCLE_ACTIONS,
  LIFECYCLE_EVENTS,
  type LifecycleAction,
  type LifecycleConfig,
  type LifecycleEvent,
  POWER_LIFECYCLE_ACTIONS,
  VirtError,
  validateLifecycleConfig,
} from '../src/index.js';

const KEYS: Record<LifecycleEvent, keyof LifecycleConfig> = {
  poweroff: 'onPoweroff',
  reboot: 'onReboot',
  crash: 'onCrash',
};

function failure(def: LifecycleConfig): VirtError | undefined {
  try {
    validateLifecycleConfig(def);
  } catch (error) {
    if (error instanceof VirtError) return error;
    throw error;
  }
  return undefined;
}

describe('lifecycle action validation', () => {
  const cases = LIFECYCLE_EVENTS.flatMap((event) =>
    LIFECYCLE_ACTIONS.map((action) => [event, action] as const),
  );

  it.each(cases)('on_%s with %s is refused only where libvirt refuses it', (event, action) => {
    const def: LifecycleConfig = { ...DEFAULT_LIFECYCLE_CONFIG, [KEYS[event]]: action };
    const allowed =
      event === 'crash' || (POWER_LIFECYCLE_ACTIONS as readonly LifecycleAction[]).includes(action);
    expect(isLifecycleActionAllowed(event, action)).toBe(allowed);
    const error = failure(def);
    if (allowed) {
      expect(error).toBeUndefined();
    } else {
      expect(error?.code).toBe('CONFIG_UNSUPPORTED');
      expect(error?.domain).toBe('DOMAIN');
      expect(error?.message).toBe(
        `unsupported configuration: Lifecycle event '${event}' doesn't support '${action}' action`,
      );
    }
  });

  it('reports on_poweroff before on_reboot, as libvirt checks them', () => {
    const def: LifecycleConfig = {
      onPoweroff: 'coredump-restart',
      onReboot: 'coredump-destroy',
      onCrash: 'destroy',
    };
    expect(failure(def)?.message).toBe(
      "unsupported configuration: Lifecycle event 'poweroff' doesn't support 'coredump-restart' action",
    );
  });

  it("uses libvirt's defaults: destroy on power-off and crash, restart on reboot", () => {
    expect(DEFAULT_LIFECYCLE_CONFIG).toEqual({
      onPoweroff: 'destroy',
      onReboot: 'restart',
      onCrash: 'destroy',
    });
  });
});
