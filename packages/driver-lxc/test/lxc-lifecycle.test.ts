import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { type DomainStatus, formatState, isProcessAlive } from '@virtkit/core';
import { describe, expect, it, vi } from 'vitest';
import { ContainerCgroup } from '../src/cgroup/index.js';
import type { LxcDriverData } from '../src/index.js';
import { bootCount, CONTAINER_WAIT, consoleOf, recordEvents, useLxcFixture } from './lxc-fixture.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('lxc:///embed container lifecycle', () => {
  const fixture = useLxcFixture();

  async function running(name: string, options = {}) {
    const conn = await fixture.open();
    const events = recordEvents(conn);
    const dom = await conn.defineXml(await fixture.containerXml(name, options));
    await dom.create();
    await vi.waitFor(async () => expect(await bootCount(fixture, name)).toBe(1), CONTAINER_WAIT);
    return { conn, dom, events };
  }

  async function statusOf(name: string): Promise<DomainStatus & { driverData: LxcDriverData }> {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(join(fixture.root, 'run', 'lxc', 'status', `${name}.json`), 'utf8');
    return (JSON.parse(text) as { status: DomainStatus & { driverData: LxcDriverData } }).status;
  }

  /** Nothing of the run is left: controller, processes, cgroup, run directory, status file. */
  async function expectNothingLeft(name: string, status: DomainStatus & { driverData: LxcDriverData }) {
    expect(await isProcessAlive(status.pid)).toBe(false);
    if (status.driverData.cgroup) {
      for (const dir of status.driverData.cgroup.dirs) expect(await exists(dir)).toBe(false);
    }
    if (status.driverData.initPid) expect(await isProcessAlive(status.driverData.initPid)).toBe(false);
    expect(await exists(join(fixture.root, 'run', 'lxc', 'run', name))).toBe(false);
    expect(await exists(join(fixture.root, 'run', 'lxc', 'status', `${name}.json`))).toBe(false);
  }

  it('starts running (booted) with started(booted); the id is the controller pid', {
    timeout: 30_000,
  }, async () => {
    const { dom, events } = await running('boot');
    expect(formatState(await dom.getState(), true)).toBe('running (booted)');
    expect(events).toEqual(['defined(added)', 'started(booted)']);
    expect(dom.id).toBe((await statusOf('boot')).pid);
    expect(await dom.getXmlDesc()).toContain(`<domain type='lxc' id='${dom.id}'>`);
  });

  it('shuts down by signal: stopped(shutdown), shut off (shutdown), nothing left', {
    timeout: 30_000,
  }, async () => {
    const { dom, events } = await running('down');
    const status = await statusOf('down');
    await dom.shutdown({ modes: ['signal'] });
    await vi.waitFor(() => expect(events).toContain('stopped(shutdown)'), CONTAINER_WAIT);
    expect(formatState(await dom.getState(), true)).toBe('shut off (shutdown)');
    expect(events).toEqual(['defined(added)', 'started(booted)', 'stopped(shutdown)']);
    await expectNothingLeft('down', status);
  });

  it('refuses an initctl-only shutdown of a container without the FIFO', { timeout: 30_000 }, async () => {
    const { dom } = await running('noinitctl');
    await expect(dom.shutdown({ modes: ['initctl'] })).rejects.toThrow(
      'Operation not supported: Container does not provide an initctl pipe',
    );
    expect(formatState(await dom.getState(), true)).toBe('running (booted)');
  });

  it('reboots from inside (reboot -f on the console): one reboot event, never leaves running', {
    timeout: 30_000,
  }, async () => {
    const { dom, events } = await running('inside');
    const console = await consoleOf(dom);
    try {
      // Only where /proc/1 is the test init, i.e. inside the container's own pid namespace.
      console.type('busybox grep -q vk-init /proc/1/cmdline && busybox reboot -f');
      const states = new Set<string>();
      await vi.waitFor(async () => {
        states.add(formatState(await dom.getState(), true));
        expect(await bootCount(fixture, 'inside')).toBe(2);
      }, CONTAINER_WAIT);
      await vi.waitFor(() => expect(events).toContain('reboot'), CONTAINER_WAIT);
      expect([...states]).toEqual(['running (booted)']);
      expect(events).toEqual(['defined(added)', 'started(booted)', 'reboot']);
    } finally {
      console.end();
    }
  });

  it('reboots through the API (signal): reboot event, init started again, still running', {
    timeout: 30_000,
  }, async () => {
    const { dom, events } = await running('apireboot');
    const before = await statusOf('apireboot');
    await dom.reboot({ modes: ['signal'] });
    const states = new Set<string>();
    await vi.waitFor(async () => {
      states.add(formatState(await dom.getState(), true));
      expect(await bootCount(fixture, 'apireboot')).toBe(2);
    }, CONTAINER_WAIT);
    await vi.waitFor(() => expect(events).toContain('reboot'), CONTAINER_WAIT);
    expect([...states]).toEqual(['running (booted)']);
    expect(events.filter((event) => event === 'reboot')).toHaveLength(1);
    await vi.waitFor(
      async () => expect((await statusOf('apireboot')).pid).not.toBe(before.pid),
      CONTAINER_WAIT,
    );
    expect(await isProcessAlive(before.pid)).toBe(false);
    await dom.destroy();
  });

  it('destroys: stopped(destroyed), shut off (destroyed), nothing left', { timeout: 30_000 }, async () => {
    const { dom, events } = await running('gone');
    const status = await statusOf('gone');
    await dom.destroy();
    expect(formatState(await dom.getState(), true)).toBe('shut off (destroyed)');
    expect(events).toEqual(['defined(added)', 'started(booted)', 'stopped(destroyed)']);
    expect(dom.id).toBe(-1);
    await expectNothingLeft('gone', status);
  });

  it('suspends by freezing every process and resumes by thawing them', { timeout: 30_000 }, async () => {
    const { dom, events } = await running('freeze');
    const { driverData } = await statusOf('freeze');
    const cgroup = ContainerCgroup.at(driverData.cgroup as NonNullable<LxcDriverData['cgroup']>);
    await dom.suspend();
    expect(formatState(await dom.getState(), true)).toBe('paused (user)');
    expect(await cgroup.frozen()).toBe(true);
    for (const pid of await cgroup.pids()) {
      const { readFile } = await import('node:fs/promises');
      const state = (await readFile(`/proc/${pid}/status`, 'utf8')).match(/^State:\s+(\S)/m)?.[1];
      // A frozen task sleeps in the freezer (D on v1, S on v2): never R.
      expect(state).not.toBe('R');
    }
    await dom.resume();
    expect(await cgroup.frozen()).toBe(false);
    expect(formatState(await dom.getState(), true)).toBe('running (unpaused)');
    expect(events.slice(2)).toEqual(['suspended(paused)', 'resumed(unpaused)']);
    await dom.destroy();
  });

  it('enforces <memory>: a process allocating 100 MiB in a 32 MiB container is killed, the container runs on', {
    timeout: 30_000,
  }, async () => {
    const { dom } = await running('oom', { memoryKiB: 32 * 1024 });
    const console = await consoleOf(dom);
    try {
      console.type(
        `busybox sh -c 'x=$(busybox head -c 104857600 /dev/zero | busybox tr "\\0" a); echo ALIVE'; echo RC=$?`,
      );
      await vi.waitFor(() => expect(console.text()).toMatch(/RC=\d+/), CONTAINER_WAIT);
      expect(console.text()).toContain('RC=137');
      expect(console.text()).not.toMatch(/^ALIVE/m);
      expect(formatState(await dom.getState(), true)).toBe('running (booted)');
    } finally {
      console.end();
    }
    await dom.destroy();
  });

  it('shows the console: typed commands run and their output comes back; a second session is refused', {
    timeout: 30_000,
  }, async () => {
    const { dom } = await running('console');
    const console = await consoleOf(dom);
    try {
      console.type('echo h""i');
      await vi.waitFor(() => expect(console.text()).toMatch(/^(\/ # )?hi\r?$/m), CONTAINER_WAIT);
      await expect(dom.openConsole({})).rejects.toThrow('Active console session exists for this domain');
    } finally {
      console.end();
    }
    await dom.destroy();
    await expect(dom.openConsole({})).rejects.toThrow('domain is not running');
  });
});
