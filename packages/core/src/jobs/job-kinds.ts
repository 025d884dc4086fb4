/**
 * libvirt's domain job kinds (virDomainJob, virDomainAsyncJob). Only one
 * synchronous job runs on a domain at a time, query jobs included: a job
 * covers every monitor command, not only state changes.
 */
export const JOB_KINDS = [
  'query',
  'destroy',
  'suspend',
  'modify',
  'abort',
  'migration-op',
  /** Event handlers that must run even during migration without disturbing it. */
  'modify-migration-safe',
] as const;

export type JobKind = (typeof JOB_KINDS)[number];

/** Long operations that hold a domain across many synchronous (nested) jobs. */
export const ASYNC_JOB_KINDS = [
  'migration-out',
  'migration-in',
  'save',
  'dump',
  'snapshot',
  'start',
  'backup',
] as const;

export type AsyncJobKind = (typeof ASYNC_JOB_KINDS)[number];

/** Jobs other callers may run while an async job is active, unless it narrows them (VIR_JOB_DEFAULT_MASK). */
export const DEFAULT_ASYNC_ALLOWED: readonly JobKind[] = ['query', 'destroy', 'abort'];

/** Jobs libvirt records in the status file so a restarted manager knows about them (VIR_DOMAIN_TRACK_JOBS). */
export function isTrackedJob(kind: JobKind): boolean {
  return kind === 'destroy';
}
