import { VirtError } from '../errors/index.js';
import { ASYNC_JOB_KINDS, JOB_KINDS, type TrackedJob } from '../jobs/index.js';
import { DOMAIN_STATES, STATE_REASONS, type StateWithReason } from '../state/index.js';

/** What a manager needs to reattach to a running guest after a restart. */
export interface DomainStatus {
  pid: number;
  /** The hypervisor control socket (QMP, LXC controller), when there is one. */
  monitorPath?: string;
  state: StateWithReason;
  flags: {
    /** A reboot is being done as power-down then reset (libvirt's fakeReboot). */
    fakeReboot: boolean;
    /** The guest shut down during a fake reboot and is paused until reset. */
    pausedShutdown: boolean;
  };
  job?: TrackedJob;
  /** The live domain XML, stored as given: the store does not parse domain XML. */
  liveXml: string;
  /** Anything else a driver keeps per running guest; must survive JSON. */
  driverData?: Record<string, unknown>;
}

/**
 * Status files are JSON rather than libvirt's status XML: the record is
 * typed data plus one opaque XML string, which JSON holds without a second
 * XML schema. `version` lets a later manager read or refuse older files.
 */
const FORMAT = 'virtkit-status';
export const STATUS_FORMAT_VERSION = 1;

export function formatStatus(status: DomainStatus): string {
  return `${JSON.stringify({ format: FORMAT, version: STATUS_FORMAT_VERSION, status }, null, 2)}\n`;
}

/** Parses a status file's text; any defect is a PARSE_FAILED error naming `file`. */
export function parseStatus(text: string, file: string): DomainStatus {
  const fail = (reason: string) => new VirtError('PARSE_FAILED', `${file}: ${reason}`);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
  if (!isObject(document) || document.format !== FORMAT) throw fail('not a virtkit status file');
  if (document.version !== STATUS_FORMAT_VERSION) {
    throw fail(`unsupported status format version ${String(document.version)}`);
  }
  const problem = statusProblem(document.status);
  if (problem) throw fail(problem);
  return document.status as DomainStatus;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOneOf(value: unknown, allowed: readonly string[]): boolean {
  return typeof value === 'string' && allowed.includes(value);
}

/** Says what is wrong with a decoded status record, or undefined when it is sound. */
function statusProblem(status: unknown): string | undefined {
  if (!isObject(status)) return 'missing status record';
  if (!Number.isInteger(status.pid) || (status.pid as number) <= 0) return 'pid must be a positive integer';
  if (status.monitorPath !== undefined && typeof status.monitorPath !== 'string') {
    return 'monitorPath must be a string';
  }
  const state = status.state;
  if (!isObject(state) || !isOneOf(state.state, DOMAIN_STATES)) return 'invalid domain state';
  if (!isOneOf(state.reason, STATE_REASONS[state.state as StateWithReason['state']])) {
    return `invalid reason for state ${String(state.state)}`;
  }
  const flags = status.flags;
  if (
    !isObject(flags) ||
    typeof flags.fakeReboot !== 'boolean' ||
    typeof flags.pausedShutdown !== 'boolean'
  ) {
    return 'flags must hold fakeReboot and pausedShutdown booleans';
  }
  if (status.job !== undefined && !isTrackedJob(status.job)) return 'invalid job record';
  if (typeof status.liveXml !== 'string' || status.liveXml === '')
    return 'liveXml must be a non-empty string';
  if (status.driverData !== undefined && !isObject(status.driverData)) return 'driverData must be an object';
  return undefined;
}

function isTrackedJob(job: unknown): boolean {
  return (
    isObject(job) &&
    (job.job === undefined || isOneOf(job.job, JOB_KINDS)) &&
    (job.asyncJob === undefined || isOneOf(job.asyncJob, ASYNC_JOB_KINDS)) &&
    (job.phase === undefined || typeof job.phase === 'string')
  );
}
