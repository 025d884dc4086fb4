import { expect } from 'vitest';
import type { Domain } from '../driver/index.js';
import type { Check } from './conformance-harness.js';
import { lifecycle } from './event-recorder.js';
import { expectAnswer } from './refusals.js';

export function startChecks(check: Check): void {
  check('starting gives running (booted), started(booted) and an id', async (h, ctx) => {
    await h.requires(ctx, 'defineXml', 'start');
    const { dom } = await h.running();
    expect(await dom.getState()).toEqual({ state: 'running', reason: 'booted' });
    expect(dom.id).toBeGreaterThanOrEqual(0);
    expect((await h.conn.lookupDomainById(dom.id)).uuid).toBe(dom.uuid);
    expect((await h.conn.listAllDomains({ active: true })).map((found) => found.uuid)).toContain(dom.uuid);
  });

  check('starting paused gives paused (user), started(booted) then suspended(paused)', async (h, ctx) => {
    await h.requires(ctx, 'defineXml', 'start');
    const { dom, events } = await h.define();
    if ((await expectAnswer(h, 'start-paused', dom.name, () => dom.create({ paused: true }))) === 'refused')
      return;
    await events.next(lifecycle('started', 'booted'), 'started(booted)');
    await events.next(lifecycle('suspended', 'paused'), 'suspended(paused)');
    expect(await dom.getState()).toEqual({ state: 'paused', reason: 'user' });
  });
}

export function suspendChecks(check: Check): void {
  check('suspending gives paused (user) and suspended(paused)', async (h, ctx) => {
    await h.requires(ctx, 'defineXml', 'start', 'suspend');
    const { dom, events } = await h.running();
    await dom.suspend();
    await events.next(lifecycle('suspended', 'paused'), 'suspended(paused)');
    expect(await dom.getState()).toEqual({ state: 'paused', reason: 'user' });
  });

  check('suspending a paused domain changes nothing and raises no event (or is refused)', async (h, ctx) => {
    await h.requires(ctx, 'defineXml', 'start', 'suspend', 'destroy');
    const { dom, events } = await h.running();
    await dom.suspend();
    await expectAnswer(h, 'suspend-paused', dom.name, () => dom.suspend());
    expect(await dom.getState()).toEqual({ state: 'paused', reason: 'user' });
    // The stop closes the window in which a second suspended event could have come.
    await dom.destroy();
    await events.next(lifecycle('stopped', 'destroyed'), 'stopped(destroyed)');
    expect(events.names.filter((name) => name === 'suspended(paused)')).toHaveLength(1);
  });
}

export function resumeChecks(check: Check): void {
  check('resuming gives running (unpaused) and resumed(unpaused)', async (h, ctx) => {
    await h.requires(ctx, 'defineXml', 'start', 'suspend', 'resume');
    const { dom, events } = await h.running();
    await dom.suspend();
    await dom.resume();
    await events.next(lifecycle('resumed', 'unpaused'), 'resumed(unpaused)');
    expect(await dom.getState()).toEqual({ state: 'running', reason: 'unpaused' });
  });

  check('resuming a running domain is refused', async (h, ctx) => {
    await h.requires(ctx, 'defineXml', 'start', 'resume');
    const { dom } = await h.running();
    await expectAnswer(h, 'resume-running', dom.name, () => dom.resume());
    expect(await dom.getState()).toEqual({ state: 'running', reason: 'booted' });
  });
}

export function shutdownChecks(check: Check): void {
  check('shutdown ends shut off (shutdown) after shutdown and stopped(shutdown) events', async (h, ctx) => {
    await h.requires(ctx, 'defineXml', 'start', 'shutdown');
    const { dom, events } = await h.running();
    await dom.shutdown();
    if (h.options.shutdownEvent !== false) {
      await events.next(lifecycle('shutdown'), 'shutdown(finished|guest|host)');
    }
    await events.next(lifecycle('stopped', 'shutdown'), 'stopped(shutdown)');
    expect(await dom.getState()).toEqual({ state: 'shutoff', reason: 'shutdown' });
    expect(events.names.filter((name) => name.startsWith('shutdown('))).toHaveLength(
      h.options.shutdownEvent === false ? 0 : 1,
    );
  });
}

export function rebootChecks(check: Check): void {
  check('reboot raises a reboot event and the domain keeps running', async (h, ctx) => {
    await h.requires(ctx, 'defineXml', 'start', 'reboot');
    const { dom, events } = await h.running();
    await dom.reboot();
    await events.next((event) => event.id === 'reboot', 'reboot');
    expect((await dom.getState()).state).toBe('running');
    expect(events.names).not.toContain('stopped(shutdown)');
  });
}

export function destroyChecks(check: Check): void {
  check('destroy gives shut off (destroyed), stopped(destroyed) and id -1', async (h, ctx) => {
    await h.requires(ctx, 'defineXml', 'start', 'destroy');
    const { dom, events } = await h.running();
    await dom.destroy();
    await events.next(lifecycle('stopped', 'destroyed'), 'stopped(destroyed)');
    expect(await dom.getState()).toEqual({ state: 'shutoff', reason: 'destroyed' });
    expect((await h.conn.lookupDomainByName(dom.name)).id).toBe(-1);
  });
}

export function eventOrderChecks(check: Check): void {
  check(
    'a define, start, suspend, resume, destroy cycle raises exactly its events, in order',
    async (h, ctx) => {
      await h.requires(ctx, 'defineXml', 'start', 'suspend', 'resume', 'destroy');
      const { dom, events } = await h.running();
      await dom.suspend();
      await dom.resume();
      await dom.destroy();
      await events.next(lifecycle('stopped', 'destroyed'), 'stopped(destroyed)');
      expect(events.names).toEqual([
        'defined(added)',
        ...(h.options.startEvents ?? ['started(booted)']),
        'suspended(paused)',
        'resumed(unpaused)',
        ...(h.options.destroyEvents ?? ['stopped(destroyed)']),
      ]);
    },
  );
}

type InactiveOperation = 'suspend' | 'resume' | 'shutdown' | 'reboot' | 'destroy';

const ON_SHUT_OFF: Record<InactiveOperation, (dom: Domain) => Promise<void>> = {
  suspend: (dom) => dom.suspend(),
  resume: (dom) => dom.resume(),
  shutdown: (dom) => dom.shutdown(),
  reboot: (dom) => dom.reboot(),
  destroy: (dom) => dom.destroy(),
};

export function invalidTransitionChecks(check: Check): void {
  check('starting a running domain is refused', async (h, ctx) => {
    await h.requires(ctx, 'defineXml', 'start');
    const { dom } = await h.running();
    await expectAnswer(h, 'start-active', dom.name, () => dom.create());
  });

  for (const [operation, act] of Object.entries(ON_SHUT_OFF) as [
    InactiveOperation,
    (dom: Domain) => Promise<void>,
  ][]) {
    check(`${operation} on a shut-off domain is refused`, async (h, ctx) => {
      await h.requires(ctx, 'defineXml', operation);
      const { dom } = await h.define();
      await expectAnswer(h, `${operation}-inactive`, dom.name, () => act(dom));
      expect((await dom.getState()).state).toBe('shutoff');
    });
  }
}
