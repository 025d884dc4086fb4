import {
  DOMAIN_EVENT_IDS,
  type DomainEvent,
  type DomainEventId,
  type DomainEventPayload,
  type EventListener,
  LIFECYCLE_EVENT_DETAILS,
  LIFECYCLE_EVENT_TYPES,
  type SubscribeFilter,
} from '@virtkit/core';
import * as P from '../generated/remote-protocol.js';
import { domainFromWire, uuidToBytes, type WireDomain } from '../wire/domain.js';
import type { MessageHeader } from '../wire/index.js';
import { decodeXdr } from '../xdr/index.js';
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

type WatchedDomain = NonNullable<SubscribeFilter['domain']>;

interface Subscriber {
  readonly listener: EventListener;
}

/** One server-side callback: an event id, for one domain or all, and who listens to it. */
interface Registration {
  readonly key: string;
  readonly entry: (typeof DECODED)[number];
  /** One entry per subscription, so a listener subscribed twice is two subscribers. */
  readonly subscribers: Set<Subscriber>;
  readonly callbackId: Promise<number>;
}

/**
 * Domain events over the wire, as libvirt's remote driver does them: one server-side
 * registration (CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY) per event id and domain — or all
 * domains — while someone listens, so the server filters by domain and sends each client only
 * what it asked for. Every message names its callback id and goes to that registration's
 * listeners alone; a subscriber belongs to one registration per event id, so an all-domains
 * and a one-domain registration that both match an event never give anyone the event twice.
 */
export class RemoteEvents {
  readonly #call: RemoteCall;
  readonly #registrations = new Map<string, Registration>();
  readonly #callbacks = new Map<number, Registration>();
  #disposed = false;

  constructor(call: RemoteCall) {
    this.#call = call;
  }

  watch(filter: SubscribeFilter, listener: EventListener): { readonly ready: Promise<void>; stop(): void } {
    const entries = DECODED.filter((entry) => filter.id === undefined || entry.id === filter.id);
    const subscriber: Subscriber = { listener };
    const registrations = entries.map((entry) => this.#acquire(entry, filter.domain, subscriber));
    let stopped = false;
    const ready = Promise.all(registrations.map((registration) => registration.callbackId)).then(() => {});
    // A connection that closes before the server answered fails `ready`; a subscriber that never
    // asked whether it is ready must not get an unhandled rejection for it.
    ready.catch(() => {});
    return {
      ready,
      stop: () => {
        if (stopped) return;
        stopped = true;
        for (const registration of registrations) this.#release(registration, subscriber);
      },
    };
  }

  /** Delivers the event an unsolicited MESSAGE carries to the listeners of the callback it names. */
  handleMessage(header: MessageHeader, body: Uint8Array): void {
    const entry = DECODED.find((candidate) => candidate.proc === header.proc);
    const codec = P.REMOTE_PROCEDURES.get(header.proc)?.msg;
    if (!entry || !codec) return;
    const decoded = decodeXdr(codec, body) as FlatMessage & { msg?: Record<string, unknown> };
    const message = { ...decoded, ...decoded.msg } as FlatMessage;
    const registration = this.#callbacks.get(message.callbackID);
    if (registration?.entry !== entry) return;
    const payload = entry.payload(message);
    if (!payload) return;
    const event = { ...payload, domain: domainFromWire(message.dom) } as DomainEvent;
    for (const { listener } of [...registration.subscribers]) {
      // As core's bus: a throwing listener must not starve the others, nor break the reader.
      try {
        listener(event);
      } catch {}
    }
  }

  /** The connection is closing: the server drops every callback with it, so none is deregistered. */
  dispose(): void {
    this.#disposed = true;
  }

  #acquire(entry: (typeof DECODED)[number], domain: WatchedDomain | undefined, subscriber: Subscriber) {
    const key = `${entry.id} ${domain?.uuid ?? '*'}`;
    const existing = this.#registrations.get(key);
    if (existing) {
      existing.subscribers.add(subscriber);
      return existing;
    }
    const callbackId = this.#call<{ callbackID: number }>(
      P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
      {
        // The id's position in core's list is libvirt's virDomainEventID.
        eventID: DOMAIN_EVENT_IDS.indexOf(entry.id),
        dom: domain ? wireDomain(domain) : null,
      },
    ).then(({ callbackID }) => {
      this.#callbacks.set(callbackID, registration);
      return callbackID;
    });
    const registration: Registration = { key, entry, subscribers: new Set([subscriber]), callbackId };
    this.#registrations.set(key, registration);
    // A failed registration is reported through `ready`; it must not be retried as registered.
    callbackId.catch(() => this.#forget(registration));
    return registration;
  }

  #release(registration: Registration, subscriber: Subscriber): void {
    registration.subscribers.delete(subscriber);
    if (registration.subscribers.size > 0) return;
    this.#forget(registration);
    registration.callbackId
      .then((callbackID) => {
        this.#callbacks.delete(callbackID);
        if (this.#disposed) return;
        return this.#call(P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, { callbackID });
      })
      // A registration that failed was reported through `ready`; a lost connection has no callbacks left.
      .catch(() => {});
  }

  /** Stops new subscribers joining a registration that is going (or never came). */
  #forget(registration: Registration): void {
    if (this.#registrations.get(registration.key) === registration)
      this.#registrations.delete(registration.key);
  }
}

/**
 * libvirt's server builds a domain handle from the wire's name, UUID and id without looking it
 * up (get_nonnull_domain → virGetDomain) and filters events by UUID alone, so a subscriber that
 * only knows the UUID sends an empty name.
 */
function wireDomain(domain: WatchedDomain): WireDomain {
  return { name: domain.name ?? '', uuid: uuidToBytes(domain.uuid), id: domain.id ?? -1 };
}
