import { type DomainEvent, type DomainEventId, lifecycleNumbers } from '@virtkit/core';
import * as P from '../generated/remote-protocol.js';
import { domainToWire } from '../wire/domain.js';
import { encodeXdr } from '../xdr/index.js';

const WATCHDOG_ACTIONS = ['none', 'pause', 'reset', 'poweroff', 'shutdown', 'debug', 'inject-nmi'];

interface EventMessage {
  /** The MESSAGE procedure of old-style registrations (no callback id); absent for newer events. */
  readonly legacyProc?: number;
  /** The MESSAGE procedure of callback-id registrations. */
  readonly callbackProc: number;
  /** The event's fields: the old-style body, which the callback form carries per `shape`. */
  readonly body: (event: DomainEvent) => object;
  /**
   * How the callback form carries the body: `{ callbackID, msg }` (the default), with a reason
   * beside it (PM events), or flat beside the id (events that never had an old-style form).
   */
  readonly shape?: 'wrapped' | 'with-reason' | 'flat';
}

const METADATA_TYPES = ['description', 'title', 'element'];

/** How each domain event travels; events not listed here have no encoder yet and are not sent. */
const EVENT_MESSAGES: Partial<Record<DomainEventId, EventMessage>> = {
  lifecycle: {
    legacyProc: P.REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE,
    callbackProc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
    body: (event) => {
      const { type, detail } = lifecycleNumbers(event as Extract<DomainEvent, { id: 'lifecycle' }>);
      return { dom: domainToWire(event.domain), event: type, detail };
    },
  },
  reboot: {
    legacyProc: P.REMOTE_PROC_DOMAIN_EVENT_REBOOT,
    callbackProc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT,
    body: (event) => ({ dom: domainToWire(event.domain) }),
  },
  'rtc-change': {
    legacyProc: P.REMOTE_PROC_DOMAIN_EVENT_RTC_CHANGE,
    callbackProc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_RTC_CHANGE,
    body: (event) => ({
      dom: domainToWire(event.domain),
      offset: BigInt((event as Extract<DomainEvent, { id: 'rtc-change' }>).utcOffset),
    }),
  },
  watchdog: {
    legacyProc: P.REMOTE_PROC_DOMAIN_EVENT_WATCHDOG,
    callbackProc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_WATCHDOG,
    body: (event) => ({
      dom: domainToWire(event.domain),
      action: WATCHDOG_ACTIONS.indexOf((event as Extract<DomainEvent, { id: 'watchdog' }>).action),
    }),
  },
  'control-error': {
    legacyProc: P.REMOTE_PROC_DOMAIN_EVENT_CONTROL_ERROR,
    callbackProc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_CONTROL_ERROR,
    body: (event) => ({ dom: domainToWire(event.domain) }),
  },
  'balloon-change': {
    legacyProc: P.REMOTE_PROC_DOMAIN_EVENT_BALLOON_CHANGE,
    callbackProc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE,
    body: (event) => ({
      dom: domainToWire(event.domain),
      actual: BigInt((event as Extract<DomainEvent, { id: 'balloon-change' }>).actualKiB),
    }),
  },
  'pm-wakeup': {
    legacyProc: P.REMOTE_PROC_DOMAIN_EVENT_PMWAKEUP,
    callbackProc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_PMWAKEUP,
    body: (event) => ({ dom: domainToWire(event.domain) }),
    shape: 'with-reason',
  },
  'pm-suspend': {
    legacyProc: P.REMOTE_PROC_DOMAIN_EVENT_PMSUSPEND,
    callbackProc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_PMSUSPEND,
    body: (event) => ({ dom: domainToWire(event.domain) }),
    shape: 'with-reason',
  },
  'pm-suspend-disk': {
    legacyProc: P.REMOTE_PROC_DOMAIN_EVENT_PMSUSPEND_DISK,
    callbackProc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_PMSUSPEND_DISK,
    body: (event) => ({ dom: domainToWire(event.domain) }),
    shape: 'with-reason',
  },
  'device-removed': {
    legacyProc: P.REMOTE_PROC_DOMAIN_EVENT_DEVICE_REMOVED,
    callbackProc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
    body: (event) => ({
      dom: domainToWire(event.domain),
      devAlias: (event as Extract<DomainEvent, { id: 'device-removed' }>).alias,
    }),
  },
  'device-added': {
    callbackProc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_ADDED,
    body: (event) => ({
      dom: domainToWire(event.domain),
      devAlias: (event as Extract<DomainEvent, { id: 'device-added' }>).alias,
    }),
    shape: 'flat',
  },
  'metadata-change': {
    callbackProc: P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_METADATA_CHANGE,
    body: (event) => {
      const { type, nsuri } = event as Extract<DomainEvent, { id: 'metadata-change' }>;
      return { dom: domainToWire(event.domain), type: METADATA_TYPES.indexOf(type), nsuri: nsuri ?? null };
    },
    shape: 'flat',
  },
};

function encodeMessage(proc: number, value: object): Uint8Array {
  const codec = P.REMOTE_PROCEDURES.get(proc)?.msg;
  if (!codec) throw new Error(`procedure ${proc} has no message body`);
  return encodeXdr(codec, value);
}

/** The MESSAGE an event is for a callback-id registration, or undefined when it cannot be sent. */
export function callbackEventMessage(
  event: DomainEvent,
  callbackID: number,
): { proc: number; body: Uint8Array } | undefined {
  const message = EVENT_MESSAGES[event.id];
  if (!message) return undefined;
  const body = message.body(event);
  const value =
    message.shape === 'flat'
      ? { callbackID, ...body }
      : message.shape === 'with-reason'
        ? { callbackID, reason: 0, msg: body }
        : { callbackID, msg: body };
  return { proc: message.callbackProc, body: encodeMessage(message.callbackProc, value) };
}

/** The MESSAGE an event is for an old-style registration (virConnectDomainEventRegister[Any]). */
export function legacyEventMessage(event: DomainEvent): { proc: number; body: Uint8Array } | undefined {
  const message = EVENT_MESSAGES[event.id];
  if (message?.legacyProc === undefined) return undefined;
  return { proc: message.legacyProc, body: encodeMessage(message.legacyProc, message.body(event)) };
}
