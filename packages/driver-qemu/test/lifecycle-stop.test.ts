import { readFile } from 'node:fs/promises';
import { formatState, isProcessAlive } from '@virtkit/core';
import { describe, expect, it, vi } from 'vitest';

import { GUEST_WAIT, useQemuFixture } from './qemu-fixture.js';

/** The pid QEMU runs as: the live status the driver keeps for the domain. */
async function qemuPid(root: string, name: string): Promise<number> {
  const text = await readFile(`${root}/run/qemu/status/${name}.json`, 'utf8');
  return (JSON.parse(text) as { status: { pid: number } }).status.pid;
}

describe('qemu:///embed lifecycle: stopping, crashing, pausing', () => {
  const qemu = useQemuFixture();

  it('destroys: shut off (destroyed), stopped(destroyed), QEMU gone, id -1', {
    timeout: 60_000,
  }, async () => {
    const { conn, dom, events } = await qemu.running('destroy');
    const pid = await qemuPid(qemu.root, 'destroy');
    await dom.destroy();
    expect(formatState(await dom.getState(), true)).toBe('shut off (destroyed)');
    expect(events.at(-1)).toBe('stopped(destroyed)');
    expect(await isProcessAlive(pid)).toBe(false);
    expect((await conn.lookupDomainByName('destroy')).id).toBe(-1);
  });

  it('notices QEMU killed from outside: shut off (crashed), stopped(failed)', {
    timeout: 60_000,
  }, async () => {
    const { dom, events } = await qemu.running('crash');
    process.kill(await qemuPid(qemu.root, 'crash'), 'SIGKILL');
    await vi.waitFor(() => expect(events.at(-1)).toBe('stopped(failed)'), GUEST_WAIT);
    expect(formatState(await dom.getState(), true)).toBe('shut off (crashed)');
  });

  it('suspends and resumes: paused (user), then running (unpaused), one event each', {
    timeout: 60_000,
  }, async () => {
    const { dom, events } = await qemu.running('pause');
    await dom.suspend();
    expect(formatState(await dom.getState(), true)).toBe('paused (user)');
    await dom.resume();
    expect(formatState(await dom.getState(), true)).toBe('running (unpaused)');
    // QEMU's own STOP and RESUME for our requests change nothing more.
    await dom.destroy();
    expect(events).toEqual([
      'defined(added)',
      'resumed(unpaused)',
      'started(booted)',
      'suspended(paused)',
      'resumed(unpaused)',
      // QEMU reports SHUTDOWN (host-signal) on the destroy's SIGTERM; libvirt passes it on.
      'shutdown(host)',
      'stopped(destroyed)',
    ]);
  });

  it('keeps a domain undefined while running until it stops, then forgets it', {
    timeout: 60_000,
  }, async () => {
    const { conn, dom, events } = await qemu.running('transient');
    await dom.undefine();
    expect(await dom.isPersistent()).toBe(false);
    expect(formatState(await dom.getState(), true)).toBe('running (booted)');
    await dom.destroy();
    expect(events.slice(-3)).toEqual(['undefined(removed)', 'shutdown(host)', 'stopped(destroyed)']);
    await expect(conn.lookupDomainByName('transient')).rejects.toThrow(
      "no domain with matching name 'transient'",
    );
  });

  it('keeps definitions across connections', { timeout: 60_000 }, async () => {
    const first = await qemu.open();
    const { xml } = await qemu.guest('kept');
    const uuid = (await first.defineXml(xml)).uuid;
    await first.close();
    const second = await qemu.open();
    expect((await second.lookupDomainByName('kept')).ref).toEqual({ name: 'kept', uuid, id: -1 });
  });

  it('leaves a running guest alone on close; the next connection reattaches and refuses to start it twice', {
    timeout: 60_000,
  }, async () => {
    const { conn } = await qemu.running('left');
    const pid = await qemuPid(qemu.root, 'left');
    await conn.close();
    expect(await isProcessAlive(pid)).toBe(true);
    const next = await qemu.open();
    const dom = await next.lookupDomainByName('left');
    expect(formatState(await dom.getState(), true)).toBe('running (booted)');
    expect(await qemuPid(qemu.root, 'left')).toBe(pid);
    await expect(dom.create()).rejects.toThrow('domain is already running');
  });

  it('refuses a second manager of the same directories while one is open', async () => {
    await qemu.open();
    await expect(qemu.open()).rejects.toThrow(`is in use by process ${process.pid}`);
  });
});
