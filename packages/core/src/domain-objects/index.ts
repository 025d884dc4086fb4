export { DomainList, type DomainListOptions, type ListedDomain, type ReclaimedRun } from './domain-list.js';
export {
  DomainRuntime,
  type DomainRuntimeOptions,
  SHUT_OFF_STATE,
  savedPolicyState,
} from './domain-runtime.js';
