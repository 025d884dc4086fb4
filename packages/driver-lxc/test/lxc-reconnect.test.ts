import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DomainStatus, formatState, isProcessAlive } from '@virtkit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LxcDriverData } from '../src/index.js';
import { bootCount, CONTAINER_WAIT, recordEvents, useLxcFixture } from './lxc-fixture.js';

const CHILD = new URL('./lxc-manager-child.mjs', import.meta.url).pathname;

type Status = DomainStatus & { driverData: LxcDriverData };

describe('lxc:///embed reconnect after the manager was killed', () => {
  const fixture = useLxcFixture();
  const managers: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of managers.splice(0)) await killChild(child);
  });

  /** Starts container `name` from a manager in another process, then SIGKILLs that manager. */
  async function startedByKilledManager(name: string): Promise<Status> {
    await fixture.prepare();
    const xml = await fixture.containerXml(name);
    const child = spawn(process.execPath, [CHILD, fixture.uri, xml], { stdio: ['ignore', 'pipe', 'pipe'] });
    managers.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await vi.waitFor(() => {
      if (child.exitCode !== null) throw new Error(`manager exited early: ${output}`);
      expect(output).toContain('STARTED');
    }, CONTAINER_WAIT);
    await vi.waitFor(async () => expect(await bootCount(fixture, name)).toBe(1), CONTAINER_WAIT);
    await killChild(child);
    return statusOf(name);
  }

  const statusFile = (name: string) => join(fixture.root, 'run', 'lxc', 'status', `${name}.json`);
  async function statusOf(name: string): Promise<Status> {
    return (JSON.parse(await readFile(statusFile(name), 'utf8')) as { status: Status }).status;
  }

  it('reattaches to a running container: same state and id, then a shutdown works', {
    timeout: 45_000,
  }, async () => {
    const status = await startedByKilledManager('keep');
    const conn = await fixture.open();
    const events = recordEvents(conn);
    const dom = await conn.lookupDomainByName('keep');
    expect(formatState(await dom.getState(), true)).toBe('running (booted)');
    expect(dom.id).toBe(status.pid);
    await dom.suspend();
    await dom.resume();
    await dom.shutdown({ modes: ['signal'] });
    await vi.waitFor(() => expect(events).toContain('stopped(shutdown)'), CONTAINER_WAIT);
    expect(events).toEqual(['suspended(paused)', 'resumed(unpaused)', 'stopped(shutdown)']);
    expect(await isProcessAlive(status.pid)).toBe(false);
    await expect(stat(statusFile('keep'))).rejects.toThrow('ENOENT');
  });

  it('notices a container that shut down while no manager ran: shut off (shutdown)', {
    timeout: 45_000,
  }, async () => {
    const status = await startedByKilledManager('ended');
    process.kill(status.driverData.initPid as number, 'SIGTERM');
    await vi.waitFor(async () => expect(await isProcessAlive(status.pid)).toBe(false), CONTAINER_WAIT);
    const conn = await fixture.open();
    const dom = await conn.lookupDomainByName('ended');
    expect(formatState(await dom.getState(), true)).toBe('shut off (shutdown)');
    expect(dom.id).toBe(-1);
    await expect(stat(statusFile('ended'))).rejects.toThrow('ENOENT');
    await expect(stat(join(fixture.root, 'run', 'lxc', 'run', 'ended'))).rejects.toThrow('ENOENT');
  });

  it('restarts a container that rebooted while no manager ran', { timeout: 45_000 }, async () => {
    const status = await startedByKilledManager('rebooted');
    process.kill(status.driverData.initPid as number, 'SIGHUP');
    await vi.waitFor(async () => expect(await isProcessAlive(status.pid)).toBe(false), CONTAINER_WAIT);
    const conn = await fixture.open();
    const dom = await conn.lookupDomainByName('rebooted');
    expect(formatState(await dom.getState(), true)).toBe('running (booted)');
    await vi.waitFor(async () => expect(await bootCount(fixture, 'rebooted')).toBe(2), CONTAINER_WAIT);
    expect(dom.id).not.toBe(status.pid);
    await dom.destroy();
  });

  it('finds a controller killed while unmanaged: shut off (crashed), nothing left', {
    timeout: 45_000,
  }, async () => {
    const status = await startedByKilledManager('crashed');
    process.kill(status.pid, 'SIGKILL');
    await vi.waitFor(async () => expect(await isProcessAlive(status.pid)).toBe(false), CONTAINER_WAIT);
    const conn = await fixture.open();
    const dom = await conn.lookupDomainByName('crashed');
    expect(formatState(await dom.getState(), true)).toBe('shut off (crashed)');
    if (status.driverData.initPid) expect(await isProcessAlive(status.driverData.initPid)).toBe(false);
    await expect(stat(statusFile('crashed'))).rejects.toThrow('ENOENT');
  });

  it('reports a corrupt status file and leaves it alone; the domain is not started twice', async () => {
    const first = await fixture.open();
    await first.defineXml(await fixture.containerXml('corrupt'));
    await first.close();
    await writeFile(statusFile('corrupt'), '{ not json');
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const conn = await fixture.open();
      await vi.waitFor(() => expect(warnings.join('\n')).toContain("status of domain 'corrupt' left alone"));
      const dom = await conn.lookupDomainByName('corrupt');
      await expect(dom.create()).rejects.toThrow('has a status file this manager could not read');
    } finally {
      process.off('warning', onWarning);
    }
    expect(await readFile(statusFile('corrupt'), 'utf8')).toBe('{ not json');
  });
});

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
