import { access, copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isProcessAlive } from '@virtkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isQemuWithMonitor,
  killProcess,
  launchDetached,
  waitForMonitorSocket,
} from '../src/process/index.js';
import { connectQmp, type QmpClient, type QmpEvent } from '../src/qmp/index.js';
import { POWERBUTTON_IMAGE } from '../src/testing/index.js';

const QEMU = 'qemu-system-x86_64';
const GUEST_TIMEOUT = { timeout: 20_000, interval: 20 };

async function findInPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (
      await access(candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}

let dir: string | undefined;
let pid: number | undefined;
let client: QmpClient | undefined;

afterEach(async () => {
  await client?.close();
  if (pid !== undefined) await killProcess(pid, { termTimeoutMs: 2000 });
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  client = undefined;
  pid = undefined;
  dir = undefined;
});

describe('a real QEMU over QMP', () => {
  it('boots, powers off on ACPI, fake-reboots by reset + cont, reattaches, and quits', {
    timeout: 60_000,
  }, async () => {
    const binary = await findInPath(QEMU);
    if (binary === undefined) {
      throw new Error(`${QEMU} is not installed: CI installs the qemu-system-x86 package (scripts/setup.sh)`);
    }
    dir = await mkdtemp(join(tmpdir(), 'virtkit-qemu-'));
    const image = join(dir, 'guest.img');
    const monitor = join(dir, 'monitor.sock');
    const serial = join(dir, 'serial.log');
    const logPath = join(dir, 'domain.log');
    await copyFile(POWERBUTTON_IMAGE, image);

    const launched = await launchDetached({
      binary,
      args: [
        ...['-machine', 'pc,accel=tcg', '-m', '16', '-nodefaults', '-nographic', '-S', '-no-shutdown'],
        ...['-qmp', `unix:${monitor},server=on,wait=off`],
        ...['-drive', `file=${image},format=raw,if=ide`, '-serial', `file:${serial}`],
      ],
      logPath,
      pidfilePath: join(dir, 'domain.pid'),
    });
    pid = launched.pid;
    await waitForMonitorSocket(monitor, { ...launched, logPath, timeoutMs: 10_000 });
    expect(await isQemuWithMonitor(pid, monitor)).toBe(true);

    const events: QmpEvent[] = [];
    const names = () => events.map((event) => event.event);
    const bootCount = async () => (await readFile(serial, 'utf8').catch(() => '')).split('BOOT').length - 1;
    client = await connectQmp(monitor, {
      vmName: 'powerbutton',
      retryMs: 1000,
      onEvent: (e) => events.push(e),
    });
    expect(await client.execute('query-status')).toMatchObject({ running: false, status: 'prelaunch' });

    await client.execute('cont');
    await expect.poll(bootCount, GUEST_TIMEOUT).toBe(1);
    expect(names()).toEqual(['RESUME']);

    // ACPI power button: the guest powers off, and -no-shutdown keeps QEMU there, stopped.
    events.length = 0;
    await client.execute('system_powerdown');
    await expect.poll(() => readFile(serial, 'utf8'), GUEST_TIMEOUT).toContain('POWEROFF');
    await expect.poll(names, GUEST_TIMEOUT).toEqual(['POWERDOWN', 'SHUTDOWN', 'STOP']);
    expect(events[1]?.data).toEqual({ guest: true, reason: 'guest-shutdown' });
    expect(await client.execute('query-status')).toMatchObject({ running: false, status: 'shutdown' });

    // The fake reboot at QMP level: reset, then continue, and the guest boots again.
    events.length = 0;
    await client.execute('system_reset');
    await client.execute('cont');
    await expect.poll(bootCount, GUEST_TIMEOUT).toBe(2);
    expect(names().slice(0, 2)).toEqual(['RESET', 'RESUME']);
    expect(events[0]?.data).toEqual({ guest: false, reason: 'host-qmp-system-reset' });
    // SeaBIOS, resumed after a reset it did not ask for, may reset once more itself.
    expect(events.slice(2).map((event) => [event.event, event.data.guest])).toEqual(
      events.slice(2).map(() => ['RESET', true]),
    );

    // A new manager reattaching: the monitor accepts a fresh connection once the old one is gone.
    await client.close();
    client = await connectQmp(monitor, { vmName: 'powerbutton' });
    expect(await client.execute('query-status')).toMatchObject({ running: true, status: 'running' });

    await client.execute('quit');
    await expect(client.closed).resolves.toMatchObject({ byClient: false });
    await expect.poll(() => isProcessAlive(launched.pid), GUEST_TIMEOUT).toBe(false);
  });
});
