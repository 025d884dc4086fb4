import { DOMAIN_EVENT_IDS, type DomainEvent, type DomainEventId, VirtError } from '@virtkit/core';
import * as P from '../../generated/remote-protocol.js';
import { uuidFromBytes } from '../../wire/domain.js';
import type { ClientSession } from '../client-session.js';
import { callbackEventMessage, legacyEventMessage } from '../event-messages.js';
import { procedure } from '../procedure-table.js';

/** libvirtd's dispatcher checks the id itself, so the error is its INTERNAL_ERROR from the RPC layer. */
function eventName(eventID: number): DomainEventId {
  const name = DOMAIN_EVENT_IDS[eventID];
  if (name === undefined)
    throw new VirtError('INTERNAL_ERROR', `unsupported event ID ${eventID}`, { domain: 'RPC' });
  return name;
}

function forward(session: ClientSession, message: { proc: number; body: Uint8Array } | undefined): void {
  if (message) session.sendEvent(message.proc, message.body);
}

/**
 * Old-style registrations (virConnectDomainEventRegister[Any]): one per event id and client,
 * events sent without a callback id.
 */
function registerLegacy(session: ClientSession, eventID: number): void {
  const id = eventName(eventID);
  // libvirtd's answer comes from its event state (virObjectEventStateRegisterID).
  if (session.legacyCallbacks.has(eventID))
    throw new VirtError('INVALID_ARG', 'event callback already tracked');
  const callbackId = session.addCallback(() =>
    session.connection.subscribe({ id }, (event: DomainEvent) => forward(session, legacyEventMessage(event))),
  );
  session.legacyCallbacks.set(eventID, callbackId);
}

function deregisterLegacy(session: ClientSession, eventID: number): void {
  const callbackId = session.legacyCallbacks.get(eventID);
  if (callbackId === undefined)
    throw new VirtError('INTERNAL_ERROR', `domain event ${eventID} not registered`, { domain: 'RPC' });
  session.removeCallback(callbackId);
  session.legacyCallbacks.delete(eventID);
}

const LIFECYCLE = 0;

/** Event registration, in both of libvirt's generations. */
export const DOMAIN_EVENT_PROCEDURES = [
  procedure<
    P.RemoteConnectDomainEventCallbackRegisterAnyArgs,
    P.RemoteConnectDomainEventCallbackRegisterAnyRet
  >(P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, async (session, args) => {
    const id = eventName(args.eventID);
    // As libvirtd (get_nonnull_domain → virGetDomain): the domain is not looked up, an unknown
    // one is accepted, and events are matched by UUID alone, whatever name the client sent.
    const domain = args.dom ? { uuid: uuidFromBytes(args.dom.uuid) } : undefined;
    const callbackID = session.addCallback((callbackId) =>
      session.connection.subscribe({ id, ...(domain ? { domain } : {}) }, (event) =>
        forward(session, callbackEventMessage(event, callbackId)),
      ),
    );
    return { callbackID };
  }),
  procedure<P.RemoteConnectDomainEventCallbackDeregisterAnyArgs, void>(
    P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
    async (session, args) => session.removeCallback(args.callbackID),
  ),
  procedure<P.RemoteConnectDomainEventRegisterAnyArgs, void>(
    P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY,
    async (session, args) => registerLegacy(session, args.eventID),
  ),
  procedure<P.RemoteConnectDomainEventDeregisterAnyArgs, void>(
    P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER_ANY,
    async (session, args) => deregisterLegacy(session, args.eventID),
  ),
  procedure<void, P.RemoteConnectDomainEventRegisterRet>(
    P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER,
    async (session) => {
      registerLegacy(session, LIFECYCLE);
      return { cb_registered: 1 };
    },
  ),
  procedure<void, P.RemoteConnectDomainEventDeregisterRet>(
    P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER,
    async (session) => {
      deregisterLegacy(session, LIFECYCLE);
      return { cb_registered: 0 };
    },
  ),
];
