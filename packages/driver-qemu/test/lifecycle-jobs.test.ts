import { formatState, isProcessAlive } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import { recordEvents, savedStatus, statesUntil, useQemuFixture } from './qemu-fixture.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('qemu:///embed lifecycle: an async job keeps a shut-down guest QEMU', () => {
  const qemu = useQemuFixture();

  it('stays in shutdown with QEMU alive until the job ends, then shuts off', {
    timeout: 60_000,
  }, async () => {
    const guest = await qemu.running('job-shutdown');
    const { pid } = (await savedStatus(qemu.root, 'job-shutdown')) ?? { pid: -1 };
    const job = await guest.qemu.beginAsyncJob(guest.dom.ref, 'backup');
    expect((await savedStatus(qemu.root, 'job-shutdown'))?.job).toEqual({ asyncJob: 'backup' });
    const before = guest.events.length;
    await guest.dom.shutdown({ modes: ['acpi'] });
    await statesUntil(guest.dom, async () => guest.events.length > before);
    await pause(500);
    expect(formatState(await guest.dom.getState(), true)).toBe('in shutdown (unknown)');
    expect(await isProcessAlive(pid)).toBe(true);
    expect(guest.events.slice(before)).toEqual(['shutdown(guest)']);
    await job.end();
    await statesUntil(guest.dom, async () => guest.events.at(-1) === 'stopped(shutdown)');
    expect(formatState(await guest.dom.getState(), true)).toBe('shut off (shutdown)');
    expect(guest.events.slice(before)).toEqual(['shutdown(guest)', 'stopped(shutdown)']);
    expect(await isProcessAlive(pid)).toBe(false);
  });

  it('ends the job with a destroy during it, and a later job can begin', { timeout: 60_000 }, async () => {
    const guest = await qemu.running('job-destroy');
    const { pid } = (await savedStatus(qemu.root, 'job-destroy')) ?? { pid: -1 };
    const job = await guest.qemu.beginAsyncJob(guest.dom.ref, 'backup');
    await guest.dom.shutdown({ modes: ['acpi'] });
    await statesUntil(guest.dom, async () => guest.events.at(-1) === 'shutdown(guest)');
    await guest.dom.destroy();
    expect(formatState(await guest.dom.getState(), true)).toBe('shut off (destroyed)');
    expect(guest.events.slice(-2)).toEqual(['shutdown(guest)', 'stopped(destroyed)']);
    expect(await isProcessAlive(pid)).toBe(false);
    await job.end();
    expect(guest.events.at(-1)).toBe('stopped(destroyed)');
    // The job's lock went with the run: a new run takes a new job at once.
    await guest.dom.create();
    const next = await guest.qemu.beginAsyncJob(guest.dom.ref, 'backup');
    await next.end();
    expect((await savedStatus(qemu.root, 'job-destroy'))?.job).toBeUndefined();
  });

  it('refuses a job on a domain that is not running', async () => {
    const conn = await qemu.openQemu();
    const { xml } = await qemu.guest('job-inactive');
    const dom = await conn.conn.defineXml(xml);
    await expect(conn.qemu.beginAsyncJob(dom.ref, 'backup')).rejects.toThrow('domain is not running');
    // The refused job left no lock behind.
    await dom.create();
    await (await conn.qemu.beginAsyncJob(dom.ref, 'backup')).end();
  });

  it('a new manager drops a saved job and finishes the shutdown it kept waiting', {
    timeout: 60_000,
  }, async () => {
    const guest = await qemu.running('job-reconnect');
    const { pid } = (await savedStatus(qemu.root, 'job-reconnect')) ?? { pid: -1 };
    await guest.qemu.beginAsyncJob(guest.dom.ref, 'backup');
    await guest.dom.shutdown({ modes: ['acpi'] });
    await statesUntil(guest.dom, async () => guest.events.at(-1) === 'shutdown(guest)');
    await guest.conn.close();
    expect(await isProcessAlive(pid)).toBe(true);
    const next = await qemu.open();
    const events = recordEvents(next);
    const dom = await next.lookupDomainByName('job-reconnect');
    await statesUntil(
      dom,
      async () => !(await isProcessAlive(pid)) && (await dom.getState()).state === 'shutoff',
    );
    expect(formatState(await dom.getState(), true)).toBe('shut off (shutdown)');
    expect(events).toEqual(['stopped(shutdown)']);
    expect(await savedStatus(qemu.root, 'job-reconnect')).toBeUndefined();
  });
});
