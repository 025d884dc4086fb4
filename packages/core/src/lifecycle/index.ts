export { decide, NO_POLICY_FLAGS } from './decide.js';
export {
  DEFAULT_LIFECYCLE_CONFIG,
  isLifecycleActionAllowed,
  LIFECYCLE_EVENTS,
  type LifecycleConfig,
  type LifecycleEvent,
  POWER_LIFECYCLE_ACTIONS,
  validateLifecycleConfig,
} from './lifecycle-actions.js';
export type {
  GuestEvent,
  HostRequest,
  PolicyAction,
  PolicyDecision,
  PolicyFlags,
  PolicyInput,
  PolicyJob,
  PolicyNext,
  PolicyOptions,
  PolicyState,
  PowerRequestMode,
} from './policy-types.js';
export { type ReplayResult, type ReplayStep, replay } from './replay.js';
