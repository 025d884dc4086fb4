import type { DomainEventId } from './event-ids.js';
import type { Lifecycle } from './lifecycle-events.js';

/** Identifies the domain an event is about, as libvirt's virDomainPtr does on the wire. */
export interface DomainRef {
  name: string;
  uuid: string;
  /** Hypervisor id while active, -1 when inactive. */
  id: number;
}

/** What happened, without saying to which domain: what the lifecycle policy emits. */
export type DomainEventPayload =
  | ({ id: 'lifecycle' } & Lifecycle)
  | { id: 'reboot' }
  | { id: 'rtc-change'; utcOffset: number }
  | { id: 'watchdog'; action: 'none' | 'pause' | 'reset' | 'poweroff' | 'shutdown' | 'debug' | 'inject-nmi' }
  | { id: 'pm-wakeup' }
  | { id: 'pm-suspend' }
  | { id: 'pm-suspend-disk' }
  | { id: 'control-error' }
  | { id: 'balloon-change'; actualKiB: number }
  | { id: 'device-added'; alias: string }
  | { id: 'device-removed'; alias: string }
  | { id: 'metadata-change'; type: 'description' | 'title' | 'element'; nsuri?: string }
  | {
      id: Exclude<
        DomainEventId,
        | 'lifecycle'
        | 'reboot'
        | 'rtc-change'
        | 'watchdog'
        | 'pm-wakeup'
        | 'pm-suspend'
        | 'pm-suspend-disk'
        | 'control-error'
        | 'balloon-change'
        | 'device-added'
        | 'device-removed'
        | 'metadata-change'
      >;
      data: Record<string, unknown>;
    };

/** An event as delivered to subscribers. */
export type DomainEvent = DomainEventPayload & { domain: DomainRef };
