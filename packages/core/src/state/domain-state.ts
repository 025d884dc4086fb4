/**
 * libvirt's domain states (virDomainState) and the reasons for each
 * (virDomain<State>Reason). Each table maps a name to virsh's words for it, in
 * libvirt's numeric order: a name's position is its wire value.
 */
const STATES = {
  nostate: { display: 'no state', reasons: { unknown: 'unknown' } },
  running: {
    display: 'running',
    reasons: {
      unknown: 'unknown',
      booted: 'booted',
      migrated: 'migrated',
      restored: 'restored',
      'from-snapshot': 'from snapshot',
      unpaused: 'unpaused',
      'migration-canceled': 'migration canceled',
      'save-canceled': 'save canceled',
      wakeup: 'event wakeup',
      crashed: 'crashed',
      postcopy: 'post-copy',
      'postcopy-failed': 'post-copy failed',
    },
  },
  blocked: { display: 'idle', reasons: { unknown: 'unknown' } },
  paused: {
    display: 'paused',
    reasons: {
      unknown: 'unknown',
      user: 'user',
      migration: 'migrating',
      save: 'saving',
      dump: 'dumping',
      ioerror: 'I/O error',
      watchdog: 'watchdog',
      'from-snapshot': 'from snapshot',
      'shutting-down': 'shutting down',
      snapshot: 'creating snapshot',
      crashed: 'crashed',
      'starting-up': 'starting up',
      postcopy: 'post-copy',
      'postcopy-failed': 'post-copy failed',
      'api-error': 'api error',
    },
  },
  shutdown: { display: 'in shutdown', reasons: { unknown: 'unknown', user: 'user' } },
  shutoff: {
    display: 'shut off',
    reasons: {
      unknown: 'unknown',
      shutdown: 'shutdown',
      destroyed: 'destroyed',
      crashed: 'crashed',
      migrated: 'migrated',
      saved: 'saved',
      failed: 'failed',
      'from-snapshot': 'from snapshot',
      daemon: 'daemon',
    },
  },
  crashed: { display: 'crashed', reasons: { unknown: 'unknown', panicked: 'panicked' } },
  pmsuspended: { display: 'pmsuspended', reasons: { unknown: 'unknown' } },
} as const;

export type DomainState = keyof typeof STATES;

export type StateReason<S extends DomainState = DomainState> = S extends DomainState
  ? keyof (typeof STATES)[S]['reasons']
  : never;

/** A state with its reason, typed so the reason always belongs to the state. */
export type StateWithReason = {
  [S in DomainState]: { state: S; reason: StateReason<S> };
}[DomainState];

export const DOMAIN_STATES = Object.keys(STATES) as readonly DomainState[];

/** Each state's reason names, in wire order. */
export const STATE_REASONS = Object.fromEntries(
  DOMAIN_STATES.map((state) => [state, Object.keys(STATES[state].reasons)]),
) as unknown as { readonly [S in DomainState]: readonly StateReason<S>[] };

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
  const { display, reasons } = STATES[value.state];
  if (!withReason) return display;
  return `${display} (${(reasons as Record<string, string>)[value.reason] ?? 'unknown'})`;
}

/** States in which the domain has a live hypervisor process/context (libvirt's virDomainObjIsActive). */
export function isActiveState(state: DomainState): boolean {
  return state !== 'shutoff';
}
