import {
  DOMAIN_EVENT_IDS,
  type DomainEvent,
  type DomainEventId,
  type DomainEventPayload,
  type EventBus,
  LIFECYCLE_EVENT_DETAILS,
  LIFECYCLE_EVENT_TYPES,
  type SubscribeFilter,
} from '@virtkit/core';
import * as P from '../generated/remote-protocol.js';
import type { MessageHeader } from '../wire/index.js';
import { decodeXdr } from '../xdr/index.js';
import { fromWireDomain, type WireDomain } from './domain-wire.js';
import type { RemoteCall } from './remote-call.js';

/**
 * An event message, its inner `msg` struct (where the protocol nests one) spread over it:
 * the callback it answers, the domain, and the event's own fields.
 */
type FlatMessage = Record<string, unknown> & { callbackID: number; dom: WireDomain };

type Payload = DomainEventPayload | undefined;

const WATCHDOG_ACTIONS = ['none', 'pause', 'reset', 'poweroff', 'shutdown', 'debug', 'inject-nmi'] as const;
const METADATA_TYPES = ['description', 'title', 'element'] as const;

function lifecycle(message: FlatMessage): Payload {
  const type = LIFECYCLE_EVENT_TYPES[message.event as number];
  const detail = type && (LIFECYCLE_EVENT_DETAILS[type] as readonly string[])[message.detail as number];
  // A type or detail newer than core knows is dropped rather than mislabelled.
  return type && detail ? ({ id: 'lifecycle', type, detail } as DomainEventPayload) : undefined;
}

function named<T extends string>(names: readonly T[], index: unknown): T | undefined {
  return names[index as number];
}

/** The event ids this client decodes: the message procedure of each and its translation to core's payload. */
const DECODED: readonly { id: DomainEventId; proc: number; payload(message: FlatMessage): Payload }[] = [
  { id: 'lifecycle', proc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, payload: lifecycle },
  { id: 'reboot', proc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT, payload: () => ({ id: 'reboot' }) },
  {
    id: 'rtc-change',
    proc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_RTC_CHANGE,
    payload: (m) => ({ id: 'rtc-change', utcOffset: Number(m.offset) }),
  },
  {
    id: 'watchdog',
    proc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_WATCHDOG,
    payload: (m) => {
      const action = named(WATCHDOG_ACTIONS, m.action);
      return action && { id: 'watchdog', action };
    },
  },
  {
    id: 'control-error',
    proc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_CONTROL_ERROR,
    payload: () => ({ id: 'control-error' }),
  },
  {
    id: 'pm-wakeup',
    proc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_PMWAKEUP,
    payload: () => ({ id: 'pm-wakeup' }),
  },
  {
    id: 'pm-suspend',
    proc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_PMSUSPEND,
    payload: () => ({ id: 'pm-suspend' }),
  },
  {
    id: 'pm-suspend-disk',
    proc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_PMSUSPEND_DISK,
    payload: () => ({ id: 'pm-suspend-disk' }),
  },
  {
    id: 'balloon-change',
    proc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE,
    payload: (m) => ({ id: 'balloon-change', actualKiB: Number(m.actual) }),
  },
  {
    id: 'device-added',
    proc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_ADDED,
    payload: (m) => ({ id: 'device-added', alias: m.devAlias as string }),
  },
  {
    id: 'device-removed',
    proc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
    payload: (m) => ({ id: 'device-removed', alias: m.devAlias as string }),
  },
  {
    id: 'metadata-change',
    proc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_METADATA_CHANGE,
    payload: (m) => {
      const type = named(METADATA_TYPES, m.type);
      return type && { id: 'metadata-change', type, ...(m.nsuri ? { nsuri: m.nsuri as string } : {}) };
    },
  },
];

interface Registration {
  watchers: number;
  callbackId: Promise<number>;
}

/**
 * Domain events over the wire: an event id is registered with the server
 * (CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, for every domain) while at least one
 * subscriber wants it, and each message the server sends for it is emitted on the bus,
 * where core filters by domain.
 */
export class RemoteEvents {
  readonly #call: RemoteCall;
  readonly #bus: EventBus;
  readonly #registrations = new Map<DomainEventId, Registration>();
  readonly #callbacks = new Map<number, DomainEventId>();
  #disposed = false;

  constructor(call: RemoteCall, bus: EventBus) {
    this.#call = call;
    this.#bus = bus;
  }

  watch(filter: SubscribeFilter): { readonly ready: Promise<void>; stop(): void } {
    const ids = DECODED.filter((entry) => filter.id === undefined || entry.id === filter.id);
    const registrations = ids.map((entry) => this.#acquire(entry.id));
    let stopped = false;
    return {
      ready: Promise.all(registrations.map((registration) => registration.callbackId)).then(() => {}),
      stop: () => {
        if (stopped) return;
        stopped = true;
        for (const entry of ids) this.#release(entry.id);
      },
    };
  }

  /** Emits the event an unsolicited MESSAGE carries, if it answers one of our callbacks. */
  handleMessage(header: MessageHeader, body: Uint8Array): void {
    const entry = DECODED.find((candidate) => candidate.proc === header.proc);
    const codec = P.REMOTE_PROCEDURES.get(header.proc)?.msg;
    if (!entry || !codec) return;
    const decoded = decodeXdr(codec, body) as FlatMessage & { msg?: Record<string, unknown> };
    const message = { ...decoded, ...decoded.msg } as FlatMessage;
    if (this.#callbacks.get(message.callbackID) !== entry.id) return;
    const payload = entry.payload(message);
    if (payload) this.#bus.emit({ ...payload, domain: fromWireDomain(message.dom) } as DomainEvent);
  }

  #acquire(id: DomainEventId): Registration {
    const existing = this.#registrations.get(id);
    if (existing) {
      existing.watchers++;
      return existing;
    }
    const callbackId = this.#call<{ callbackID: number }>(
      P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
      {
        // The id's position in core's list is libvirt's virDomainEventID.
        eventID: DOMAIN_EVENT_IDS.indexOf(id),
        dom: null,
      },
    ).then(({ callbackID }) => {
      this.#callbacks.set(callbackID, id);
      return callbackID;
    });
    const registration = { watchers: 1, callbackId };
    this.#registrations.set(id, registration);
    // A failed registration is reported through `ready`; it must not be retried as registered.
    callbackId.catch(() => this.#registrations.delete(id));
    return registration;
  }

  /** The connection is closing: the server drops every callback with it, so none is deregistered. */
  dispose(): void {
    this.#disposed = true;
  }

  #release(id: DomainEventId): void {
    const registration = this.#registrations.get(id);
    if (!registration || --registration.watchers > 0) return;
    this.#registrations.delete(id);
    registration.callbackId
      .then((callbackID) => {
        this.#callbacks.delete(callbackID);
        if (this.#disposed) return;
        return this.#call(P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, { callbackID });
      })
      // A registration that failed was reported through `ready`; a lost connection has no callbacks left.
      .catch(() => {});
  }
}
