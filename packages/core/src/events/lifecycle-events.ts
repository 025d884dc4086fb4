/**
 * libvirt's lifecycle event types (virDomainEventType) and the details of each
 * (virDomainEvent<Type>DetailType). Each table maps a name to virsh's words for
 * it (`virsh event`), in libvirt's numeric order: a name's position is its wire value.
 */
const TYPES = {
  defined: {
    display: 'Defined',
    details: { added: 'Added', updated: 'Updated', renamed: 'Renamed', 'from-snapshot': 'Snapshot' },
  },
  undefined: { display: 'Undefined', details: { removed: 'Removed', renamed: 'Renamed' } },
  started: {
    display: 'Started',
    details: {
      booted: 'Booted',
      migrated: 'Migrated',
      restored: 'Restored',
      'from-snapshot': 'Snapshot',
      wakeup: 'Event wakeup',
      recreated: 'Recreated',
    },
  },
  suspended: {
    display: 'Suspended',
    details: {
      paused: 'Paused',
      migrated: 'Migrated',
      ioerror: 'I/O Error',
      watchdog: 'Watchdog',
      restored: 'Restored',
      'from-snapshot': 'Snapshot',
      'api-error': 'API error',
      postcopy: 'Post-copy',
      'postcopy-failed': 'Post-copy Error',
    },
  },
  resumed: {
    display: 'Resumed',
    details: {
      unpaused: 'Unpaused',
      migrated: 'Migrated',
      'from-snapshot': 'Snapshot',
      postcopy: 'Post-copy',
      'postcopy-failed': 'Post-copy Error',
    },
  },
  stopped: {
    display: 'Stopped',
    details: {
      shutdown: 'Shutdown',
      destroyed: 'Destroyed',
      crashed: 'Crashed',
      migrated: 'Migrated',
      saved: 'Saved',
      failed: 'Failed',
      'from-snapshot': 'Snapshot',
    },
  },
  shutdown: {
    display: 'Shutdown',
    details: {
      finished: 'Finished',
      guest: 'Finished after guest request',
      host: 'Finished after host request',
    },
  },
  pmsuspended: { display: 'PMSuspended', details: { memory: 'Memory', disk: 'Disk' } },
  crashed: { display: 'Crashed', details: { panicked: 'Panicked', crashloaded: 'Crashloaded' } },
} as const;

export type LifecycleEventType = keyof typeof TYPES;

export type LifecycleEventDetail<T extends LifecycleEventType = LifecycleEventType> =
  T extends LifecycleEventType ? keyof (typeof TYPES)[T]['details'] : never;

/** A lifecycle event type with a detail that belongs to it. */
export type Lifecycle = {
  [T in LifecycleEventType]: { type: T; detail: LifecycleEventDetail<T> };
}[LifecycleEventType];

export const LIFECYCLE_EVENT_TYPES = Object.keys(TYPES) as readonly LifecycleEventType[];

/** Each type's detail names, in wire order. */
export const LIFECYCLE_EVENT_DETAILS = Object.fromEntries(
  LIFECYCLE_EVENT_TYPES.map((type) => [type, Object.keys(TYPES[type].details)]),
) as unknown as { readonly [T in LifecycleEventType]: readonly LifecycleEventDetail<T>[] };

export function lifecycleNumbers(event: Lifecycle): { type: number; detail: number } {
  return {
    type: LIFECYCLE_EVENT_TYPES.indexOf(event.type),
    detail: (LIFECYCLE_EVENT_DETAILS[event.type] as readonly string[]).indexOf(event.detail),
  };
}

/** virsh's text for a lifecycle event: "Stopped Destroyed". */
export function formatLifecycle(event: Lifecycle): string {
  const { display, details } = TYPES[event.type];
  return `${display} ${(details as Record<string, string>)[event.detail] ?? 'Unknown'}`;
}
