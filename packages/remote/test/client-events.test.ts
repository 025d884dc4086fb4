import type { DomainEvent } from '@virtkit/core';
import { describe, expect, test } from 'vitest';
import type { RemoteCall } from '../src/client/remote-call.js';
import { RemoteEvents } from '../src/client/remote-events.js';
import * as P from '../src/generated/remote-protocol.js';
import { uuidToBytes } from '../src/wire/domain.js';
import { MessageStatus, MessageType, REMOTE_PROGRAM } from '../src/wire/index.js';
import { encodeXdr, type XdrCodec } from '../src/xdr/index.js';

const UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';
const dom = { name: 'test', uuid: uuidToBytes(UUID), id: 1 };

/** A server stand-in: callback ids in registration order, every call recorded. */
function fakeServer() {
  const calls: [number, unknown][] = [];
  const call = (async (proc: number, args?: unknown) => {
    calls.push([proc, args]);
    return { callbackID: calls.length - 1 };
  }) as RemoteCall;
  return { calls, call };
}

function deliver<T>(events: RemoteEvents, proc: number, codec: XdrCodec<T>, message: T) {
  const header = {
    prog: REMOTE_PROGRAM,
    vers: 1,
    proc,
    type: MessageType.MESSAGE,
    serial: 0,
    status: MessageStatus.OK,
  };
  events.handleMessage(header, encodeXdr(codec, message));
}

const ref = { name: 'test', uuid: UUID, id: 1 };
const OTHER = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

/** A reboot message for `callbackID` about the domain `uuid`. */
function reboot(events: RemoteEvents, callbackID: number, uuid = UUID) {
  deliver(events, P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT, P.RemoteDomainEventCallbackRebootMsg, {
    callbackID,
    msg: { dom: { ...dom, uuid: uuidToBytes(uuid) } },
  });
}

const noop = () => {};

describe('RemoteEvents', () => {
  test('registers each event id and domain once while wanted, and deregisters it when its last subscriber goes', async () => {
    const { calls, call } = fakeServer();
    const events = new RemoteEvents(call);
    const first = events.watch({ id: 'watchdog' }, noop);
    const second = events.watch({ id: 'watchdog' }, () => {});
    const third = events.watch({ id: 'watchdog', domain: ref }, noop);
    const fourth = events.watch({ id: 'watchdog', domain: { uuid: UUID } }, noop);
    await Promise.all([first.ready, second.ready, third.ready, fourth.ready]);
    expect(calls).toEqual([
      [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID: 3, dom: null }],
      [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID: 3, dom }],
    ]);
    first.stop();
    third.stop();
    // Stopping twice must not release the registration a second subscriber still holds.
    first.stop();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toHaveLength(2);
    second.stop();
    fourth.stop();
    await expect.poll(() => calls.length).toBe(4);
    expect(calls.slice(2)).toEqual([
      [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, { callbackID: 0 }],
      [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, { callbackID: 1 }],
    ]);
  });

  test('names a domain known only by UUID with an empty name and id -1, as the server only matches the UUID', async () => {
    const { calls, call } = fakeServer();
    await new RemoteEvents(call).watch({ id: 'reboot', domain: { uuid: UUID } }, noop).ready;
    expect(calls).toEqual([
      [
        P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
        { eventID: 1, dom: { name: '', uuid: uuidToBytes(UUID), id: -1 } },
      ],
    ]);
  });

  test('delivers a message only to the subscribers of the registration it names, so overlapping ones see it once', async () => {
    const { call } = fakeServer();
    const events = new RemoteEvents(call);
    const all: string[] = [];
    const one: string[] = [];
    await events.watch({ id: 'reboot' }, (event) => all.push(event.domain.uuid)).ready; // callback 0
    await events.watch({ id: 'reboot', domain: ref }, (event) => one.push(event.domain.uuid)).ready; // 1
    // The server sends an event about `test` once per matching callback; another domain's only to 0.
    reboot(events, 0);
    reboot(events, 1);
    reboot(events, 0, OTHER);
    expect(all).toEqual([UUID, OTHER]);
    expect(one).toEqual([UUID]);
  });

  test('keeps delivering to the other subscribers when one throws', async () => {
    const { call } = fakeServer();
    const events = new RemoteEvents(call);
    const seen: string[] = [];
    events.watch({ id: 'reboot' }, () => {
      throw new Error('listener failed');
    });
    await events.watch({ id: 'reboot' }, (event) => seen.push(event.id)).ready;
    reboot(events, 0);
    expect(seen).toEqual(['reboot']);
  });

  test('drops messages for a registration after its last subscriber left', async () => {
    const { call } = fakeServer();
    const events = new RemoteEvents(call);
    const seen: string[] = [];
    const watch = events.watch({ id: 'reboot' }, (event) => seen.push(event.id));
    await watch.ready;
    watch.stop();
    await new Promise((resolve) => setTimeout(resolve, 0));
    reboot(events, 0);
    expect(seen).toEqual([]);
  });

  test('turns nested and flat event messages into core events for their callbacks only', async () => {
    const { call } = fakeServer();
    const seen: DomainEvent[] = [];
    const events = new RemoteEvents(call);
    await events.watch({}, (event) => seen.push(event)).ready;
    // Callback ids follow registration order, which is the client's table order.
    const order = [
      'lifecycle',
      'reboot',
      'rtc-change',
      'watchdog',
      'control-error',
      'pm-wakeup',
      'pm-suspend',
    ];
    const callbackOf = (id: string) =>
      [...order, 'pm-suspend-disk', 'balloon-change', 'device-added'].indexOf(id);
    deliver(events, P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_WATCHDOG, P.RemoteDomainEventCallbackWatchdogMsg, {
      callbackID: callbackOf('watchdog'),
      msg: { dom, action: 6 },
    });
    deliver(events, P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, P.RemoteDomainEventCallbackLifecycleMsg, {
      callbackID: callbackOf('lifecycle'),
      msg: { dom, event: 5, detail: 1 },
    });
    deliver(
      events,
      P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_ADDED,
      P.RemoteDomainEventCallbackDeviceAddedMsg,
      {
        callbackID: callbackOf('device-added'),
        dom,
        devAlias: 'net0',
      },
    );
    // An unknown callback id (another connection's, say) is not ours to deliver.
    deliver(events, P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT, P.RemoteDomainEventCallbackRebootMsg, {
      callbackID: 999,
      msg: { dom },
    });
    expect(seen).toEqual([
      { id: 'watchdog', action: 'inject-nmi', domain: { name: 'test', uuid: UUID, id: 1 } },
      { id: 'lifecycle', type: 'stopped', detail: 'destroyed', domain: { name: 'test', uuid: UUID, id: 1 } },
      { id: 'device-added', alias: 'net0', domain: { name: 'test', uuid: UUID, id: 1 } },
    ]);
  });
});
