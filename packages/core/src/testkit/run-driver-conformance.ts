import { describe } from 'vitest';
import {
  type Check,
  CONFORMANCE_GROUPS,
  type ConformanceGroup,
  type DriverConformanceOptions,
  useHarness,
} from './conformance-harness.js';
import { defineChecks, lookupChecks, noSupportChecks, transientChecks } from './definition-checks.js';
import {
  destroyChecks,
  eventOrderChecks,
  invalidTransitionChecks,
  rebootChecks,
  resumeChecks,
  shutdownChecks,
  startChecks,
  suspendChecks,
} from './lifecycle-checks.js';

const GROUP_CHECKS: Record<ConformanceGroup, (check: Check) => void> = {
  lookup: lookupChecks,
  define: defineChecks,
  transient: transientChecks,
  start: startChecks,
  suspend: suspendChecks,
  resume: resumeChecks,
  shutdown: shutdownChecks,
  reboot: rebootChecks,
  destroy: destroyChecks,
  'event-order': eventOrderChecks,
  'invalid-transitions': invalidTransitionChecks,
  'no-support': noSupportChecks,
};

/**
 * Registers the driver conformance suite (vitest `describe`/`it` blocks) for a driver.
 * Call it at the top level of a test file. Checks adapt to the driver: one whose
 * operation the driver lacks asserts NO_SUPPORT for it and is reported skipped.
 */
export function runDriverConformance(options: DriverConformanceOptions): void {
  describe(`driver conformance: ${options.name}`, () => {
    const check = useHarness(options);
    for (const group of CONFORMANCE_GROUPS) {
      if (!options.skip?.includes(group)) describe(group, () => GROUP_CHECKS[group](check));
    }
  });
}
