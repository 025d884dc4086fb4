import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, type DomainRef, openConnection } from '@virtkit/core';
import { runDriverConformance } from '@virtkit/core/testkit';
import { afterAll, afterEach, expect, vi } from 'vitest';
import { driver } from '../src/index.js';
import { bootCount, killLeftoverQemus, POWERBUTTON_IMAGE, powerbuttonXml } from '../src/testing/index.js';
import { GUEST_WAIT } from './qemu-fixture.js';

/** One embed root for the whole suite: the kit opens a connection per check and cleans its domains. */
const root = mkdtempSync(join(tmpdir(), 'vkq-conf-'));
const image = join(root, 'guest.img');
copyFileSync(POWERBUTTON_IMAGE, image);
const serialLog = (name: string) => join(root, `${name}.serial.log`);

// A check that fails midway may leave its guest running: no QEMU outlives its check.
afterEach(() => killLeftoverQemus(join(root, 'run', 'qemu')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * QEMU drops an ACPI power-button press the guest has not enabled yet (as real hardware
 * does before the OS is up), and the kit asks right after started(booted). So the connection
 * the kit gets holds a shutdown or reboot of a started guest back until the guest has
 * printed BOOT; the driver's own behaviour is untouched.
 */
async function openWaitingForGuestBoot(): Promise<Connection> {
  const conn = await openConnection(`qemu:///embed?root=${root}`, { drivers: [driver] });
  const invoke = conn.invoke.bind(conn);
  conn.invoke = (async (operation: string, ...args: unknown[]) => {
    if (operation === 'shutdown' || operation === 'reboot') {
      const { name } = args[0] as DomainRef;
      if ((await conn.lookupDomainByName(name)).id >= 0) {
        await vi.waitFor(async () => expect(await bootCount(serialLog(name))).toBeGreaterThan(0), GUEST_WAIT);
      }
    }
    return (invoke as (...values: unknown[]) => Promise<unknown>)(operation, ...args);
  }) as typeof conn.invoke;
  return conn;
}

runDriverConformance({
  name: 'qemu:///embed',
  open: openWaitingForGuestBoot,
  // Guests share one image: the powerbutton guest never writes to its disk.
  sampleDomainXml: (name) => powerbuttonXml(name, image, serialLog(name)),
  // No refusals declared: libvirt's QEMU driver answers every case as the kit's defaults say.
  startEvents: ['resumed(unpaused)', 'started(booted)'],
  destroyEvents: ['shutdown(host)', 'stopped(destroyed)'],
});
