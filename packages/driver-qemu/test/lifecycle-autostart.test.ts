import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { formatState } from '@virtkit/core';
import { describe, expect, it, vi } from 'vitest';
import { bootCount, GUEST_WAIT, useQemuFixture } from './qemu-fixture.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('qemu:///embed autostart', () => {
  const qemu = useQemuFixture();

  it('starts autostart domains when a manager opens, once per host boot', { timeout: 60_000 }, async () => {
    const first = await qemu.open();
    const marker = join(qemu.root, 'run', 'qemu', 'autostarted');
    // The first manager of this "boot" already claimed autostart (nothing was marked then).
    expect(await exists(marker)).toBe(true);
    const { xml, serialLog } = await qemu.guest('auto');
    const dom = await first.defineXml(xml);
    expect(await dom.getAutostart()).toBe(false);
    await dom.setAutostart(true);
    expect(await dom.getAutostart()).toBe(true);
    await first.close();

    // Same boot: the marker stays, so the next manager starts nothing.
    const sameBoot = await qemu.open();
    expect(formatState(await (await sameBoot.lookupDomainByName('auto')).getState(), true)).toBe(
      'shut off (unknown)',
    );
    await sameBoot.close();

    // A new boot (the run directory's marker is gone): the domain starts with the manager.
    await rm(marker);
    const nextBoot = await qemu.open();
    const started = await nextBoot.lookupDomainByName('auto');
    expect(formatState(await started.getState(), true)).toBe('running (booted)');
    await vi.waitFor(async () => expect(await bootCount(serialLog)).toBe(1), GUEST_WAIT);
    expect(await exists(marker)).toBe(true);
    await started.destroy();
    await started.setAutostart(false);
    expect(await started.getAutostart()).toBe(false);
  });

  it('refuses autostart for a transient domain', { timeout: 60_000 }, async () => {
    const conn = await qemu.open();
    const { xml } = await qemu.guest('transient');
    const dom = await conn.createXml(xml);
    expect(await dom.getAutostart()).toBe(false);
    await expect(dom.setAutostart(true)).rejects.toThrow('cannot set autostart for transient domain');
  });
});
