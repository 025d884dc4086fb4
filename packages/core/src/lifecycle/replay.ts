import { decide } from './decide.js';
import type { LifecycleConfig } from './lifecycle-actions.js';
import type { PolicyDecision, PolicyInput, PolicyOptions, PolicyState } from './policy-types.js';

export interface ReplayStep extends PolicyDecision {
  input: PolicyInput;
}

export interface ReplayResult {
  final: PolicyState;
  steps: ReplayStep[];
}

/**
 * Feeds `inputs` through decide() one after another, as a driver would as they
 * happen: how the test driver and reconnect bring a domain up to date. The job
 * is kept across steps until a `job-ended` clears it. A refused host request
 * throws its VirtError.
 */
export function replay(
  start: PolicyState,
  inputs: readonly PolicyInput[],
  def: LifecycleConfig,
  options: PolicyOptions = {},
): ReplayResult {
  const steps: ReplayStep[] = [];
  let current = start;
  for (const input of inputs) {
    const decision = decide(current, input, def, options);
    steps.push({ input, ...decision });
    current = { ...decision.next, job: input.type === 'job-ended' ? 'none' : current.job };
  }
  return { final: current, steps };
}
