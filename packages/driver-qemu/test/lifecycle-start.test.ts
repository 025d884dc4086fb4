import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatState } from '@virtkit/core';
import { describe, expect, it, vi } from 'vitest';
import { CAPS_ENV } from '../src/index.js';
import { bootCount, GUEST_WAIT, recordEvents, useQemuFixture } from './qemu-fixture.js';

// libvirt's capture of a QEMU 8.1 development snapshot: it reports version 8.0.50.
const CAPS_XML = '/work/shared/libvirt-testdata/qemu-xml2argv/qemucapabilitiesdata/caps_8.1.0_x86_64.xml';

describe('qemu:///embed lifecycle: start and define', () => {
  const qemu = useQemuFixture();

  it('starts a defined guest: running (booted), BOOT on its serial port, live XML with its id', {
    timeout: 60_000,
  }, async () => {
    const conn = await qemu.open();
    const events = recordEvents(conn);
    const { xml, serialLog } = await qemu.guest('boot');
    const dom = await conn.defineXml(xml);
    expect(formatState(await dom.getState(), true)).toBe('shut off (unknown)');
    await dom.create();
    expect(dom.id).toBeGreaterThan(0);
    expect(formatState(await dom.getState(), true)).toBe('running (booted)');
    await vi.waitFor(async () => expect(await bootCount(serialLog)).toBe(1), GUEST_WAIT);
    expect(await dom.getXmlDesc()).toContain(`<domain type='qemu' id='${dom.id}'>`);
    expect(await dom.getXmlDesc({ inactive: true })).not.toContain("<domain type='qemu' id=");
    const info = await dom.getInfo();
    expect(info).toMatchObject({ state: 'running', maxMemKiB: 32768, memoryKiB: 32768, nrVirtCpu: 1 });
    expect(events).toEqual(['defined(added)', 'resumed(unpaused)', 'started(booted)']);
    await dom.destroy();
    expect(formatState(await dom.getState(), true)).toBe('shut off (destroyed)');
    expect(events.at(-1)).toBe('stopped(destroyed)');
  });

  it('probes the emulator over QMP once per binary and keeps the result in the cache dir', async () => {
    const version = await (await qemu.open()).getVersion();
    expect(version).toBeGreaterThanOrEqual(7_000_000);
    const cacheDir = join(qemu.root, 'cache', 'qemu');
    const [entry = ''] = await readdir(cacheDir);
    expect(JSON.parse(await readFile(join(cacheDir, entry), 'utf8')).caps.version).toBe(version);
  });

  it('takes capabilities from the XML VIRTKIT_QEMU_CAPS names instead of probing', async () => {
    const conn = await qemu.open({ ...process.env, [CAPS_ENV]: CAPS_XML });
    expect(await conn.getVersion()).toBe(8_000_050);
    expect(await readdir(join(qemu.root, 'cache', 'qemu')).catch(() => [])).toEqual([]);
  });
});
