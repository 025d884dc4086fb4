/**
 * libvirt's domain event ids (virDomainEventID) by their virsh names
 * (`virsh event --event NAME`), in numeric order: the index is the wire value.
 */
export const DOMAIN_EVENT_IDS = [
  'lifecycle',
  'reboot',
  'rtc-change',
  'watchdog',
  'io-error',
  'graphics',
  'io-error-reason',
  'control-error',
  'block-job',
  'disk-change',
  'tray-change',
  'pm-wakeup',
  'pm-suspend',
  'balloon-change',
  'pm-suspend-disk',
  'device-removed',
  'block-job-2',
  'tunable',
  'agent-lifecycle',
  'device-added',
  'migration-iteration',
  'job-completed',
  'device-removal-failed',
  'metadata-change',
  'block-threshold',
  'memory-failure',
  'memory-device-size-change',
] as const;

export type DomainEventId = (typeof DOMAIN_EVENT_IDS)[number];
