export {
  CONFORMANCE_GROUPS,
  type ConformanceGroup,
  type DriverConformanceOptions,
} from './conformance-harness.js';
export { describeEvent, type EventMatcher, EventRecorder, lifecycle } from './event-recorder.js';
export { expectNoDomainNamed, expectNoSupport, expectVirtError } from './expect-virt-error.js';
export {
  DEFAULT_REFUSALS,
  REFUSAL_CASES,
  type RefusalCase,
  type RefusalExpectation,
} from './refusals.js';
export { runDriverConformance } from './run-driver-conformance.js';
