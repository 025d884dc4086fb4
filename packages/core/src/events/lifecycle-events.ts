/**
 * libvirt's lifecycle event types (virDomainEventType) and the details of each
 * (virDomainEvent<Type>DetailType), in numeric order: the index is the wire value.
 */
export const LIFECYCLE_EVENT_TYPES = [
  'defined',
  'undefined',
  'started',
  'suspended',
  'resumed',
  'stopped',
  'shutdown',
  'pmsuspended',
  'crashed',
] as const;

export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

export const LIFECYCLE_EVENT_DETAILS = {
  defined: ['added', 'updated', 'renamed', 'from-snapshot'],
  undefined: ['removed', 'renamed'],
  started: ['booted', 'migrated', 'restored', 'from-snapshot', 'wakeup', 'recreated'],
  suspended: [
    'paused',
    'migrated',
    'ioerror',
    'watchdog',
    'restored',
    'from-snapshot',
    'api-error',
    'postcopy',
    'postcopy-failed',
  ],
  resumed: ['unpaused', 'migrated', 'from-snapshot', 'postcopy', 'postcopy-failed'],
  stopped: ['shutdown', 'destroyed', 'crashed', 'migrated', 'saved', 'failed', 'from-snapshot'],
  shutdown: ['finished', 'guest', 'host'],
  pmsuspended: ['memory', 'disk'],
  crashed: ['panicked', 'crashloaded'],
} as const satisfies Record<LifecycleEventType, readonly string[]>;

export type LifecycleEventDetail<T extends LifecycleEventType = LifecycleEventType> = T extends LifecycleEventType
  ? (typeof LIFECYCLE_EVENT_DETAILS)[T][number]
  : never;

/** A lifecycle event type with a detail that belongs to it. */
export type Lifecycle = {
  [T in LifecycleEventType]: { type: T; detail: LifecycleEventDetail<T> };
}[LifecycleEventType];

/** virsh's words (`virsh event`): "event 'lifecycle' for domain 'x': Stopped Destroyed". */
export const LIFECYCLE_TYPE_DISPLAY: Record<LifecycleEventType, string> = {
  defined: 'Defined',
  undefined: 'Undefined',
  started: 'Started',
  suspended: 'Suspended',
  resumed: 'Resumed',
  stopped: 'Stopped',
  shutdown: 'Shutdown',
  pmsuspended: 'PMSuspended',
  crashed: 'Crashed',
};

export const LIFECYCLE_DETAIL_DISPLAY: { [T in LifecycleEventType]: readonly string[] } = {
  defined: ['Added', 'Updated', 'Renamed', 'Snapshot'],
  undefined: ['Removed', 'Renamed'],
  started: ['Booted', 'Migrated', 'Restored', 'Snapshot', 'Event wakeup', 'Recreated'],
  suspended: [
    'Paused',
    'Migrated',
    'I/O Error',
    'Watchdog',
    'Restored',
    'Snapshot',
    'API error',
    'Post-copy',
    'Post-copy Error',
  ],
  resumed: ['Unpaused', 'Migrated', 'Snapshot', 'Post-copy', 'Post-copy Error'],
  stopped: ['Shutdown', 'Destroyed', 'Crashed', 'Migrated', 'Saved', 'Failed', 'Snapshot'],
  shutdown: ['Finished', 'Finished after guest request', 'Finished after host request'],
  pmsuspended: ['Memory', 'Disk'],
  crashed: ['Panicked', 'Crashloaded'],
};

export function lifecycleNumbers(event: Lifecycle): { type: number; detail: number } {
  return {
    type: LIFECYCLE_EVENT_TYPES.indexOf(event.type),
    detail: (LIFECYCLE_EVENT_DETAILS[event.type] as readonly string[]).indexOf(event.detail),
  };
}

export function formatLifecycle(event: Lifecycle): string {
  const detail = LIFECYCLE_DETAIL_DISPLAY[event.type][lifecycleNumbers(event).detail] ?? 'Unknown';
  return `${LIFECYCLE_TYPE_DISPLAY[event.type]} ${detail}`;
}
