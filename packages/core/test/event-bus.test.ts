import { describe, expect, it } from 'vitest';
import { type DomainEvent, EventBus, formatLifecycle, lifecycleNumbers } from '../src/index.js';

const alpha = { name: 'alpha', uuid: '11111111-1111-1111-1111-111111111111', id: 1 };
const beta = { name: 'beta', uuid: '22222222-2222-2222-2222-222222222222', id: 2 };

const started = (domain = alpha): DomainEvent => ({
  id: 'lifecycle',
  type: 'started',
  detail: 'booted',
  domain,
});
const reboot = (domain = alpha): DomainEvent => ({ id: 'reboot', domain });

describe('EventBus', () => {
  it('delivers to all, per-domain and per-event-id subscribers', () => {
    const bus = new EventBus();
    const all: DomainEvent[] = [];
    const onlyBeta: DomainEvent[] = [];
    const onlyReboot: DomainEvent[] = [];
    bus.subscribe({}, (e) => all.push(e));
    bus.subscribe({ domainUuid: beta.uuid }, (e) => onlyBeta.push(e));
    bus.subscribe({ id: 'reboot' }, (e) => onlyReboot.push(e));

    bus.emit(started(alpha));
    bus.emit(reboot(beta));
    bus.emit(started(beta));

    expect(all.map((e) => `${e.domain.name}:${e.id}`)).toEqual([
      'alpha:lifecycle',
      'beta:reboot',
      'beta:lifecycle',
    ]);
    expect(onlyBeta.map((e) => e.id)).toEqual(['reboot', 'lifecycle']);
    expect(onlyReboot.map((e) => e.domain.name)).toEqual(['beta']);
  });

  it('stops delivering after unsubscribe', () => {
    const bus = new EventBus();
    const seen: DomainEvent[] = [];
    const sub = bus.subscribe({}, (e) => seen.push(e));
    bus.emit(started());
    sub.unsubscribe();
    bus.emit(started());
    expect(seen).toHaveLength(1);
    expect(bus.subscriberCount).toBe(0);
  });

  it('keeps one order for every subscriber when a listener emits', () => {
    const bus = new EventBus();
    const first: string[] = [];
    const second: string[] = [];
    bus.subscribe({}, (e) => {
      first.push(e.id);
      if (e.id === 'lifecycle') bus.emit(reboot());
    });
    bus.subscribe({}, (e) => second.push(e.id));
    bus.emit(started());
    expect(first).toEqual(['lifecycle', 'reboot']);
    expect(second).toEqual(['lifecycle', 'reboot']);
  });

  it('reports a throwing listener and still delivers to the rest', () => {
    const errors: unknown[] = [];
    const bus = new EventBus({ onListenerError: (error) => errors.push(error) });
    const seen: string[] = [];
    bus.subscribe({}, () => {
      throw new Error('boom');
    });
    bus.subscribe({}, (e) => seen.push(e.id));
    bus.emit(reboot());
    expect(seen).toEqual(['reboot']);
    expect(errors).toHaveLength(1);
  });
});

describe('lifecycle event text', () => {
  it('prints virsh event details', () => {
    expect(formatLifecycle({ type: 'stopped', detail: 'destroyed' })).toBe('Stopped Destroyed');
    expect(formatLifecycle({ type: 'shutdown', detail: 'guest' })).toBe(
      'Shutdown Finished after guest request',
    );
    expect(formatLifecycle({ type: 'suspended', detail: 'paused' })).toBe('Suspended Paused');
  });

  it('numbers types and details as libvirt does on the wire', () => {
    expect(lifecycleNumbers({ type: 'stopped', detail: 'shutdown' })).toEqual({ type: 5, detail: 0 });
    expect(lifecycleNumbers({ type: 'crashed', detail: 'crashloaded' })).toEqual({ type: 8, detail: 1 });
  });
});
