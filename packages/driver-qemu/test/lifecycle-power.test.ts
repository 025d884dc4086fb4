import { readFile } from 'node:fs/promises';
import { formatState } from '@virtkit/core';
import { describe, expect, it, vi } from 'vitest';
import { bootCount, GUEST_WAIT, useQemuFixture } from './qemu-fixture.js';

const SAMPLE_MS = 20;

describe('qemu:///embed lifecycle: ACPI reboot and shutdown', () => {
  const qemu = useQemuFixture();

  it('reboots through ACPI as a fake reboot: always running (booted), reboot events only', {
    timeout: 60_000,
  }, async () => {
    const { dom, events, serialLog } = await qemu.running('reboot');
    const before = events.length;
    const samples = new Set<string>();
    await dom.reboot({ modes: ['acpi'] });
    await vi.waitFor(
      async () => {
        samples.add(formatState(await dom.getState(), true));
        expect(await bootCount(serialLog)).toBe(2);
      },
      { ...GUEST_WAIT, interval: SAMPLE_MS },
    );
    expect([...samples]).toEqual(['running (booted)']);
    const after = events.slice(before);
    expect(after).toContain('reboot');
    expect(after.filter((name) => /^(suspended|resumed|shutdown|stopped)\(/.test(name))).toEqual([]);
    expect(await readFile(serialLog, 'utf8')).toContain('POWEROFF');
  });

  it('shuts down through ACPI: in shutdown, then shut off (shutdown), with shutdown and stopped events', {
    timeout: 60_000,
  }, async () => {
    const { dom, events } = await qemu.running('shutdown');
    const samples: string[] = [];
    await dom.shutdown({ modes: ['acpi'] });
    await vi.waitFor(
      async () => {
        const state = formatState(await dom.getState(), true);
        if (samples.at(-1) !== state) samples.push(state);
        expect(state).toBe('shut off (shutdown)');
        // The state is saved before its event is emitted, as in libvirt.
        expect(events.at(-1)).toBe('stopped(shutdown)');
      },
      { ...GUEST_WAIT, interval: 1 },
    );
    // "in shutdown" lasts from QEMU's SHUTDOWN to its exit: sampled when we are quick enough.
    expect(samples.filter((state) => state !== 'in shutdown (unknown)')).toEqual([
      ...(samples[0] === 'running (booted)' ? ['running (booted)'] : []),
      'shut off (shutdown)',
    ]);
    // QEMU's SHUTDOWN says guest=true for the guest's own ACPI power-off: "Finished after guest request".
    expect(events.slice(-2)).toEqual(['shutdown(guest)', 'stopped(shutdown)']);
  });

  it('refuses shutdown modes QEMU has no channel for', async () => {
    const { dom } = await qemu.running('modes');
    await expect(dom.shutdown({ modes: ['signal'] })).rejects.toThrow(
      'unsupported flags (0x8) in function qemuDomainShutdownFlags',
    );
    await expect(dom.reboot({ modes: ['agent'] })).rejects.toThrow('QEMU guest agent is not configured');
    expect(formatState(await dom.getState(), true)).toBe('running (booted)');
  });
});
