import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DomainStatus, formatState, isProcessAlive } from '@virtkit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectQmp, type QmpClient } from '../src/index.js';
import { bootCount, GUEST_WAIT, recordEvents, useQemuFixture } from './qemu-fixture.js';

const CHILD = new URL('./manager-child.mjs', import.meta.url).pathname;

interface Manager {
  /** Resolves once the manager printed `line`. */
  printed(line: string): Promise<void>;
  /** SIGKILLs the manager, as a crash or `kill -9` of the daemon would. */
  kill(): Promise<void>;
}

describe('qemu:///embed reconnect after the manager was killed', () => {
  const qemu = useQemuFixture();
  const managers: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of managers.splice(0)) await killChild(child);
  });

  /** A manager in another process that defines and starts guest `name`, in `mode`. */
  async function startManager(name: string, mode?: 'reboot'): Promise<Manager & { serialLog: string }> {
    await qemu.prepare();
    const { xml, serialLog } = await qemu.guest(name);
    const child = spawn(process.execPath, [CHILD, qemu.uri, xml, serialLog, ...(mode ? [mode] : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    managers.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    return {
      serialLog,
      printed: (line) =>
        vi.waitFor(() => {
          if (child.exitCode !== null) throw new Error(`manager exited early: ${output}`);
          expect(output.split('\n')).toContain(line);
        }, GUEST_WAIT),
      kill: () => killChild(child),
    };
  }

  async function readStatus(name: string): Promise<DomainStatus> {
    const text = await readFile(statusFile(name), 'utf8');
    return (JSON.parse(text) as { status: DomainStatus }).status;
  }

  const statusFile = (name: string) => join(qemu.root, 'run', 'qemu', 'status', `${name}.json`);

  it('reattaches to a running guest: running (booted), same id, events and requests work again', {
    timeout: 60_000,
  }, async () => {
    const manager = await startManager('keep');
    await manager.printed('BOOTED');
    await manager.kill();

    const conn = await qemu.open();
    const events = recordEvents(conn);
    const dom = await conn.lookupDomainByName('keep');
    expect(formatState(await dom.getState(), true)).toBe('running (booted)');
    expect(dom.id).toBe(1);
    expect(await dom.getXmlDesc()).toContain("<domain type='qemu' id='1'>");
    await dom.suspend();
    await dom.resume();
    expect(events).toEqual(['suspended(paused)', 'resumed(unpaused)']);
    // QEMU's RESET event reaches the policy again: the monitor's events flow. (QEMU may report
    // more than one RESET for one system_reset, so only its arrival is checked.)
    await dom.reset();
    await vi.waitFor(() => expect(events.slice(2)).toContain('reboot'), GUEST_WAIT);
    const { pid } = await readStatus('keep');
    await dom.destroy();
    expect(formatState(await dom.getState(), true)).toBe('shut off (destroyed)');
    expect(await isProcessAlive(pid)).toBe(false);
    // Ids go on above the reattached one.
    await dom.create();
    expect(dom.id).toBe(2);
    await dom.destroy();
  });

  it('finds a guest that powered off while unmanaged: shut off (shutdown)', {
    timeout: 60_000,
  }, async () => {
    const manager = await startManager('off');
    await manager.printed('BOOTED');
    await manager.kill();
    const { pid, monitorPath = '' } = await readStatus('off');
    await withMonitor(monitorPath, async (qmp) => {
      await qmp.execute('system_powerdown');
      await waitForRunState(qmp, 'shutdown');
    });

    const conn = await qemu.open();
    const dom = await conn.lookupDomainByName('off');
    await vi.waitFor(
      async () => expect(formatState(await dom.getState(), true)).toBe('shut off (shutdown)'),
      GUEST_WAIT,
    );
    await vi.waitFor(async () => expect(await isProcessAlive(pid)).toBe(false), GUEST_WAIT);
    await expect(stat(statusFile('off'))).rejects.toThrow('ENOENT');
  });

  it('finishes a fake reboot the killed manager had started: BOOT twice, running (booted)', {
    timeout: 60_000,
  }, async () => {
    const manager = await startManager('reboot', 'reboot');
    await manager.printed('REBOOT-REQUESTED');
    await manager.kill();
    const status = await readStatus('reboot');
    expect(status.flags.fakeReboot).toBe(true);
    // The guest powered off and QEMU waits in `shutdown` for the reset nobody sent.
    await withMonitor(status.monitorPath ?? '', (qmp) => waitForRunState(qmp, 'shutdown'));
    expect(await bootCount(manager.serialLog)).toBe(1);

    const conn = await qemu.open();
    const dom = await conn.lookupDomainByName('reboot');
    await vi.waitFor(async () => expect(await bootCount(manager.serialLog)).toBe(2), GUEST_WAIT);
    await vi.waitFor(async () => {
      expect(formatState(await dom.getState(), true)).toBe('running (booted)');
      expect((await readStatus('reboot')).flags).toEqual({ fakeReboot: false, pausedShutdown: false });
    }, GUEST_WAIT);
  });

  it('finds a QEMU that died while unmanaged: shut off (crashed), its files removed', {
    timeout: 60_000,
  }, async () => {
    const manager = await startManager('gone');
    await manager.printed('BOOTED');
    await manager.kill();
    const { pid } = await readStatus('gone');
    process.kill(pid, 'SIGKILL');
    await vi.waitFor(async () => expect(await isProcessAlive(pid)).toBe(false), GUEST_WAIT);

    const conn = await qemu.open();
    const dom = await conn.lookupDomainByName('gone');
    expect(formatState(await dom.getState(), true)).toBe('shut off (crashed)');
    expect(dom.id).toBe(-1);
    await expect(stat(statusFile('gone'))).rejects.toThrow('ENOENT');
    for (const dir of [join('run', 'qemu'), join('lib', 'qemu')]) {
      await expect(stat(join(qemu.root, dir, 'domain-1-gone'))).rejects.toThrow('ENOENT');
    }
  });

  it('reports a corrupt status file and leaves it alone; the domain is not started twice', {
    timeout: 60_000,
  }, async () => {
    const first = await qemu.open();
    const { xml } = await qemu.guest('corrupt');
    await first.defineXml(xml);
    await first.close();
    await writeFile(statusFile('corrupt'), '{ not json');
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const conn = await qemu.open();
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

/** A QMP session of our own on a monitor no manager holds; closed when `work` ends. */
async function withMonitor(monitorPath: string, work: (qmp: QmpClient) => Promise<void>): Promise<void> {
  const qmp = await connectQmp(monitorPath, { retryMs: 1000 });
  try {
    await work(qmp);
  } finally {
    await qmp.close();
  }
}

async function waitForRunState(qmp: QmpClient, status: string): Promise<void> {
  await vi.waitFor(async () => expect((await qmp.execute('query-status')).status).toBe(status), GUEST_WAIT);
}
