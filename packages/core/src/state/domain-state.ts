/**
 * libvirt's domain states (virDomainState) and the reasons for each
 * (virDomain<State>Reason), in libvirt's numeric order: the index of a name
 * is its wire value.
 */
export const DOMAIN_STATES = [
  'nostate',
  'running',
  'blocked',
  'paused',
  'shutdown',
  'shutoff',
  'crashed',
  'pmsuspended',
] as const;

export type DomainState = (typeof DOMAIN_STATES)[number];

export const STATE_REASONS = {
  nostate: ['unknown'],
  running: [
    'unknown',
    'booted',
    'migrated',
    'restored',
    'from-snapshot',
    'unpaused',
    'migration-canceled',
    'save-canceled',
    'wakeup',
    'crashed',
    'postcopy',
    'postcopy-failed',
  ],
  blocked: ['unknown'],
  paused: [
    'unknown',
    'user',
    'migration',
    'save',
    'dump',
    'ioerror',
    'watchdog',
    'from-snapshot',
    'shutting-down',
    'snapshot',
    'crashed',
    'starting-up',
    'postcopy',
    'postcopy-failed',
    'api-error',
  ],
  shutdown: ['unknown', 'user'],
  shutoff: [
    'unknown',
    'shutdown',
    'destroyed',
    'crashed',
    'migrated',
    'saved',
    'failed',
    'from-snapshot',
    'daemon',
  ],
  crashed: ['unknown', 'panicked'],
  pmsuspended: ['unknown'],
} as const satisfies Record<DomainState, readonly string[]>;

export type StateReason<S extends DomainState = DomainState> = S extends DomainState
  ? (typeof STATE_REASONS)[S][number]
  : never;

/** A state with its reason, typed so the reason always belongs to the state. */
export type StateWithReason = {
  [S in DomainState]: { state: S; reason: StateReason<S> };
}[DomainState];

/** virsh's words for each state (`virsh domstate`). */
export const STATE_DISPLAY: Record<DomainState, string> = {
  nostate: 'no state',
  running: 'running',
  blocked: 'idle',
  paused: 'paused',
  shutdown: 'in shutdown',
  shutoff: 'shut off',
  crashed: 'crashed',
  pmsuspended: 'pmsuspended',
};

/** virsh's words for each reason (`virsh domstate --reason`), index-aligned with STATE_REASONS. */
export const REASON_DISPLAY: { [S in DomainState]: readonly string[] } = {
  nostate: ['unknown'],
  running: [
    'unknown',
    'booted',
    'migrated',
    'restored',
    'from snapshot',
    'unpaused',
    'migration canceled',
    'save canceled',
    'event wakeup',
    'crashed',
    'post-copy',
    'post-copy failed',
  ],
  blocked: ['unknown'],
  paused: [
    'unknown',
    'user',
    'migrating',
    'saving',
    'dumping',
    'I/O error',
    'watchdog',
    'from snapshot',
    'shutting down',
    'creating snapshot',
    'crashed',
    'starting up',
    'post-copy',
    'post-copy failed',
    'api error',
  ],
  shutdown: ['unknown', 'user'],
  shutoff: [
    'unknown',
    'shutdown',
    'destroyed',
    'crashed',
    'migrated',
    'saved',
    'failed',
    'from snapshot',
    'daemon',
  ],
  crashed: ['unknown', 'panicked'],
  pmsuspended: ['unknown'],
};

export function stateNumber(state: DomainState): number {
  return DOMAIN_STATES.indexOf(state);
}

export function reasonNumber(value: StateWithReason): number {
  return (STATE_REASONS[value.state] as readonly string[]).indexOf(value.reason);
}

/** Inverse of stateNumber/reasonNumber, for wire values; out-of-range maps to unknown. */
export function stateFromNumbers(state: number, reason: number): StateWithReason {
  const name = DOMAIN_STATES[state] ?? 'nostate';
  const reasons = STATE_REASONS[name] as readonly string[];
  return { state: name, reason: reasons[reason] ?? 'unknown' } as StateWithReason;
}

/** `virsh domstate` text: "running", or with reason "running (booted)". */
export function formatState(value: StateWithReason, withReason = false): string {
  const text = STATE_DISPLAY[value.state];
  if (!withReason) return text;
  const reason = REASON_DISPLAY[value.state][reasonNumber(value)] ?? 'unknown';
  return `${text} (${reason})`;
}

/** States in which the domain has a live hypervisor process/context (libvirt's virDomainObjIsActive). */
export function isActiveState(state: DomainState): boolean {
  return state !== 'shutoff';
}
