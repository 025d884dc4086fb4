import type { DomainEvent } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import * as P from '../src/generated/remote-protocol.js';
import { callbackEventMessage, legacyEventMessage } from '../src/server/event-messages.js';
import { decodeXdr } from '../src/xdr/index.js';

const domain = { name: 'vm', uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', id: 3 };
const wireDom = { name: 'vm', id: 3 };

// Each event, the callback MESSAGE it becomes and what that decodes to (dom checked apart).
const CASES: readonly [DomainEvent, number, Record<string, unknown>][] = [
  [
    { id: 'lifecycle', type: 'stopped', detail: 'destroyed', domain },
    P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
    { msg: { event: 5, detail: 1 } },
  ],
  [{ id: 'reboot', domain }, P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT, {}],
  [
    { id: 'rtc-change', utcOffset: -3600, domain },
    P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_RTC_CHANGE,
    { msg: { offset: -3600n } },
  ],
  [
    { id: 'watchdog', action: 'reset', domain },
    P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_WATCHDOG,
    { msg: { action: 2 } },
  ],
  [
    { id: 'balloon-change', actualKiB: 1024, domain },
    P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE,
    { msg: { actual: 1024n } },
  ],
  [{ id: 'pm-suspend', domain }, P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_PMSUSPEND, { reason: 0 }],
  [
    { id: 'device-removed', alias: 'net0', domain },
    P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
    { msg: { devAlias: 'net0' } },
  ],
  [
    { id: 'device-added', alias: 'disk1', domain },
    P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_ADDED,
    { devAlias: 'disk1' },
  ],
  [
    { id: 'metadata-change', type: 'title', domain },
    P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_METADATA_CHANGE,
    { type: 1, nsuri: null },
  ],
];

describe('domain events on the wire', () => {
  it.each(CASES)('%j travels as its callback MESSAGE with the callback id', (event, proc, expected) => {
    const message = callbackEventMessage(event, 7);
    expect(message?.proc).toBe(proc);
    const codec = P.REMOTE_PROCEDURES.get(proc)?.msg;
    const decoded = decodeXdr(codec as NonNullable<typeof codec>, message?.body as Uint8Array) as Record<
      string,
      unknown
    >;
    expect(decoded).toMatchObject({ callbackID: 7, ...expected });
    const dom = (decoded.dom ?? (decoded.msg as { dom: unknown }).dom) as P.RemoteNonnullDomain;
    expect(dom).toMatchObject(wireDom);
    expect(Buffer.from(dom.uuid).toString('hex')).toBe(domain.uuid.replaceAll('-', ''));
  });

  it('has no old-style form for events newer than the old registrations', () => {
    expect(legacyEventMessage({ id: 'device-added', alias: 'disk1', domain })).toBeUndefined();
    expect(legacyEventMessage({ id: 'reboot', domain })?.proc).toBe(P.REMOTE_PROC_DOMAIN_EVENT_REBOOT);
  });

  it('sends nothing for an event it has no encoder for yet', () => {
    expect(callbackEventMessage({ id: 'job-completed', data: {}, domain }, 1)).toBeUndefined();
  });
});
