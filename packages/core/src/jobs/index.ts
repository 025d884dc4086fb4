export {
  ASYNC_JOB_KINDS,
  type AsyncJobKind,
  DEFAULT_ASYNC_ALLOWED,
  JOB_KINDS,
  type JobKind,
} from './job-kinds.js';
export {
  type AcquireOptions,
  type AsyncJob,
  DEFAULT_JOB_WAIT_MS,
  type Job,
  JobLocks,
  type JobLocksOptions,
  type JobSnapshot,
  type TrackedJob,
} from './job-locks.js';
