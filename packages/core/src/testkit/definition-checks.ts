import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { type DriverOperation, OPERATIONS } from '../driver/index.js';
import type { Check } from './conformance-harness.js';
import { lifecycle } from './event-recorder.js';
import { expectNoDomainNamed, expectNoSupport, expectVirtError } from './expect-virt-error.js';
import { expectAnswer } from './refusals.js';

const uuidsOf = (domains: readonly { uuid: string }[]) => domains.map((dom) => dom.uuid);

export function lookupChecks(check: Check): void {
  check('a missing name gives NO_DOMAIN', async ({ conn, newName }) => {
    const name = newName();
    await expectNoDomainNamed(conn, name);
  });

  check('a missing uuid gives NO_DOMAIN', async ({ conn }) => {
    const uuid = randomUUID();
    await expectVirtError(
      conn.lookupDomainByUuid(uuid.toUpperCase()),
      'NO_DOMAIN',
      `Domain not found: no domain with matching uuid '${uuid}'`,
    );
  });

  check('a missing id gives NO_DOMAIN', async ({ conn }) => {
    await expectVirtError(
      conn.lookupDomainById(999999),
      'NO_DOMAIN',
      'Domain not found: no domain with matching id 999999',
    );
  });

  check('a defined domain is found by name and uuid, inactive with id -1', async (h, ctx) => {
    await h.requires(ctx, 'defineXml');
    const { dom } = await h.define();
    for (const found of [
      await h.conn.lookupDomainByName(dom.name),
      await h.conn.lookupDomainByUuid(dom.uuid),
    ]) {
      expect(found.ref).toEqual({ name: dom.name, uuid: dom.uuid, id: -1 });
    }
  });
}

export function defineChecks(check: Check): void {
  check('defining gives defined(added) and a persistent, shut-off domain', async (h, ctx) => {
    await h.requires(ctx, 'defineXml');
    const { dom, events } = await h.define();
    await events.next(lifecycle('defined', 'added'), 'defined(added)');
    expect(await dom.isPersistent()).toBe(true);
    expect((await dom.getState()).state).toBe('shutoff');
    expect(uuidsOf(await h.conn.listAllDomains({ persistent: true, active: false }))).toContain(dom.uuid);
    expect(uuidsOf(await h.conn.listAllDomains({ active: true }))).not.toContain(dom.uuid);
    expect(uuidsOf(await h.conn.listAllDomains({ persistent: false }))).not.toContain(dom.uuid);
  });

  check('defining the same uuid again gives defined(updated)', async (h, ctx) => {
    await h.requires(ctx, 'defineXml');
    const { dom, events } = await h.define();
    const xml = h.options.sampleDomainXml(dom.name).replace('</name>', `</name><uuid>${dom.uuid}</uuid>`);
    await h.conn.defineXml(xml);
    await events.next(lifecycle('defined', 'added'), 'defined(added)');
    await events.next(lifecycle('defined', 'updated'), 'defined(updated)');
    expect(uuidsOf(await h.conn.listAllDomains()).filter((uuid) => uuid === dom.uuid)).toHaveLength(1);
  });

  check('undefining gives undefined(removed) and the domain is gone', async (h, ctx) => {
    await h.requires(ctx, 'defineXml', 'undefine');
    const { dom, events } = await h.define();
    await dom.undefine();
    await events.next(lifecycle('undefined', 'removed'), 'undefined(removed)');
    await expectNoDomainNamed(h.conn, dom.name);
    expect(uuidsOf(await h.conn.listAllDomains())).not.toContain(dom.uuid);
  });

  check('undefining a running domain leaves it running, transient', async (h, ctx) => {
    await h.requires(ctx, 'defineXml', 'undefine', 'start', 'destroy');
    const { dom, events } = await h.running();
    await dom.undefine();
    await events.next(lifecycle('undefined', 'removed'), 'undefined(removed)');
    expect(await dom.isPersistent()).toBe(false);
    expect((await dom.getState()).state).toBe('running');
    await dom.destroy();
    await events.next(lifecycle('stopped', 'destroyed'), 'stopped(destroyed)');
    expect(uuidsOf(await h.conn.listAllDomains())).not.toContain(dom.uuid);
  });
}

export function transientChecks(check: Check): void {
  check('createXml starts a transient domain, running (booted), with started(booted)', async (h, ctx) => {
    await h.requires(ctx, 'createXml');
    const name = h.newName();
    const events = h.record(name);
    const dom = h.track(await h.conn.createXml(h.options.sampleDomainXml(name)));
    await events.next(lifecycle('started', 'booted'), 'started(booted)');
    expect(await dom.getState()).toEqual({ state: 'running', reason: 'booted' });
    expect(await dom.isPersistent()).toBe(false);
    expect(uuidsOf(await h.conn.listAllDomains({ active: true, persistent: false }))).toContain(dom.uuid);
  });

  check('a destroyed transient domain is gone', async (h, ctx) => {
    await h.requires(ctx, 'createXml', 'destroy');
    const name = h.newName();
    const events = h.record(name);
    const dom = h.track(await h.conn.createXml(h.options.sampleDomainXml(name)));
    await dom.destroy();
    await events.next(lifecycle('stopped', 'destroyed'), 'stopped(destroyed)');
    await expectNoDomainNamed(h.conn, name);
  });

  check('undefining a transient domain is refused, or leaves it running', async (h, ctx) => {
    await h.requires(ctx, 'createXml', 'undefine');
    const dom = h.track(await h.conn.createXml(h.options.sampleDomainXml(h.newName())));
    await expectAnswer(h, 'undefine-transient', dom.name, () => dom.undefine());
    expect((await dom.getState()).state).toBe('running');
  });
}

export function noSupportChecks(check: Check): void {
  check('every operation the driver lacks answers NO_SUPPORT naming its libvirt API', async (h) => {
    for (const operation of Object.keys(OPERATIONS) as DriverOperation[]) {
      if (!h.conn.supports(operation)) await expectNoSupport(h.conn, operation);
    }
  });
}
