import { afterEach, describe, expect, it } from 'vitest';
import { type Connection, type DomainRef, EventBus, openConnection } from '../src/index.js';
import { EventRecorder, lifecycle } from '../src/testkit/index.js';
import { createMemoryDriver } from './fixtures/memory-driver.js';

const vm: DomainRef = { name: 'vm', uuid: '4dea22b3-1d52-d8f3-2516-782e98ab3fa0', id: 1 };
const other: DomainRef = { ...vm, name: 'other', uuid: '4dea22b3-1d52-d8f3-2516-782e98ab3fa1' };

let conn: Connection;
const events = new EventBus();
afterEach(() => conn.close());

async function recorder(timeoutMs: number): Promise<EventRecorder> {
  conn = await openConnection('memory:///default', { drivers: [createMemoryDriver()], env: {}, events });
  return new EventRecorder(conn, 'vm', timeoutMs);
}

describe('EventRecorder', () => {
  it('waits for events that come later, in order, ignoring other domains', async () => {
    const rec = await recorder(1000);
    setTimeout(() => {
      events.emit({ id: 'lifecycle', type: 'started', detail: 'booted', domain: other });
      events.emit({ id: 'lifecycle', type: 'started', detail: 'booted', domain: vm });
      events.emit({ id: 'reboot', domain: vm });
    }, 5);
    await rec.next(lifecycle('started', 'booted'), 'started');
    await rec.next((event) => event.id === 'reboot', 'reboot');
    expect(rec.names).toEqual(['started(booted)', 'reboot']);
  });

  it('does not match an event before the cursor twice', async () => {
    const rec = await recorder(30);
    events.emit({ id: 'lifecycle', type: 'started', detail: 'booted', domain: vm });
    await rec.next(lifecycle('started'), 'started');
    await expect(rec.next(lifecycle('started'), 'a second started')).rejects.toThrow(
      'timed out after 30 ms waiting for a second started; saw [started(booted)]',
    );
  });
});
