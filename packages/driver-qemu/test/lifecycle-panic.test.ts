import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import { bootCount, savedStatus, statesUntil, useQemuFixture } from './qemu-fixture.js';

/** An I/O-port write of PVPANIC_PANICKED to the ISA pvpanic device: QEMU's GUEST_PANICKED. */
const PANIC_HMP = 'o 0x505 1';

/** What libvirt 9.0 does with the same guest and the same HMP write, per on_crash action. */
const CASES = [
  {
    onCrash: 'preserve',
    state: 'crashed (panicked)',
    events: ['suspended(paused)', 'crashed(panicked)'],
    boots: 1,
    dumps: 0,
  },
  {
    onCrash: 'destroy',
    state: 'shut off (crashed)',
    events: ['suspended(paused)', 'crashed(panicked)', 'stopped(crashed)'],
    boots: 1,
    dumps: 0,
  },
  {
    onCrash: 'restart',
    state: 'running (crashed)',
    events: ['suspended(paused)', 'crashed(panicked)', 'reboot', 'resumed(unpaused)'],
    boots: 2,
    dumps: 0,
  },
  {
    onCrash: 'coredump-destroy',
    state: 'shut off (crashed)',
    events: ['suspended(paused)', 'crashed(panicked)', 'stopped(crashed)'],
    boots: 1,
    dumps: 1,
  },
  {
    onCrash: 'coredump-restart',
    state: 'running (crashed)',
    events: ['suspended(paused)', 'crashed(panicked)', 'reboot', 'resumed(unpaused)'],
    boots: 2,
    dumps: 1,
  },
] as const;

describe('qemu:///embed lifecycle: guest panic (pvpanic) and on_crash', () => {
  const qemu = useQemuFixture();

  it.each(CASES)('on_crash=$onCrash ends $state', { timeout: 60_000 }, async (expected) => {
    const name = `panic-${expected.onCrash}`;
    const guest = await qemu.running(name, { onCrash: expected.onCrash, panic: true });
    const { pid } = (await savedStatus(qemu.root, name)) ?? { pid: -1 };
    const before = guest.events.length;
    await guest.qemu.monitorCommand(guest.dom.ref, PANIC_HMP, { hmp: true });
    const states = await statesUntil(guest.dom, async () => {
      const events = guest.events.slice(before);
      return events.length >= expected.events.length && (await bootCount(guest.serialLog)) === expected.boots;
    });
    expect(states.at(-1)).toBe(expected.state);
    // The restart's own resets may add guest reboots after the resume, as with libvirt.
    expect(guest.events.slice(before, before + expected.events.length)).toEqual(expected.events);
    expect(await isProcessAlive(pid)).toBe(!expected.state.startsWith('shut off'));
    const dumps = await readdir(join(qemu.root, 'lib', 'qemu', 'dump')).catch(() => [] as string[]);
    expect(dumps).toHaveLength(expected.dumps);
    // libvirt's auto-dump name: <id>-<name>-<YYYY-MM-DD-HH:MM:SS>
    for (const dump of dumps)
      expect(dump).toMatch(new RegExp(`^1-${name}-\\d{4}-\\d\\d-\\d\\d-\\d\\d:\\d\\d:\\d\\d$`));
  });

  it('builds the ISA pvpanic device libvirt gives <panic model="isa"/>', async () => {
    const guest = await qemu.running('panic-argv', { panic: true });
    const xml = await guest.dom.getXmlDesc();
    expect(xml).toContain("<panic model='isa'");
    expect(await guest.qemu.monitorCommand(guest.dom.ref, 'info qtree', { hmp: true })).toContain('pvpanic');
  });
});
