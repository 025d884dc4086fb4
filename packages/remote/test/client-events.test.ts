import { type DomainEvent, EventBus } from '@virtkit/core';
import { describe, expect, test } from 'vitest';
import { uuidToBytes } from '../src/client/domain-wire.js';
import type { RemoteCall } from '../src/client/remote-call.js';
import { RemoteEvents } from '../src/client/remote-events.js';
import * as P from '../src/generated/remote-protocol.js';
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

describe('RemoteEvents', () => {
  test('registers each event id once while wanted, and deregisters it when the last subscriber goes', async () => {
    const { calls, call } = fakeServer();
    const events = new RemoteEvents(call, new EventBus());
    const first = events.watch({ id: 'watchdog' });
    const second = events.watch({ id: 'watchdog' });
    await Promise.all([first.ready, second.ready]);
    expect(calls).toEqual([
      [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID: 3, dom: null }],
    ]);
    first.stop();
    second.stop();
    await expect.poll(() => calls.length).toBe(2);
    expect(calls[1]).toEqual([P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, { callbackID: 0 }]);
  });

  test('turns nested and flat event messages into core events for their callbacks only', async () => {
    const { call } = fakeServer();
    const bus = new EventBus();
    const seen: DomainEvent[] = [];
    bus.subscribe({}, (event) => seen.push(event));
    const events = new RemoteEvents(call, bus);
    await events.watch({}).ready;
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
