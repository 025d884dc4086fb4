import { isProcessAlive } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import { bootCount, savedStatus, statesUntil, useQemuFixture } from './qemu-fixture.js';

/** A guest-initiated reset from the host's side: the PIIX reset control register (0xcf9). */
const GUEST_RESET_HMP = 'o 0xcf9 0x6';

describe('qemu:///embed lifecycle: on_reboot and on_poweroff actions', () => {
  const qemu = useQemuFixture();

  it.each([
    { how: 'reboot --mode acpi', hmp: undefined },
    { how: 'a guest reset', hmp: GUEST_RESET_HMP },
  ])('on_reboot=destroy turns $how into a shutdown', { timeout: 60_000 }, async ({ hmp }) => {
    const guest = await qemu.running('reboot-destroy', { onReboot: 'destroy' });
    const { pid } = (await savedStatus(qemu.root, 'reboot-destroy')) ?? { pid: -1 };
    const before = guest.events.length;
    if (hmp) await guest.qemu.monitorCommand(guest.dom.ref, hmp, { hmp: true });
    else await guest.dom.reboot({ modes: ['acpi'] });
    const states = await statesUntil(guest.dom, async () => guest.events.at(-1) === 'stopped(shutdown)', 1);
    expect(
      states.filter((state) => state !== 'in shutdown (unknown)' && state !== 'running (booted)'),
    ).toEqual(['shut off (shutdown)']);
    // As libvirt 9.0: "Shutdown Finished after guest request", then "Stopped Shutdown".
    expect(guest.events.slice(before)).toEqual(['shutdown(guest)', 'stopped(shutdown)']);
    expect(await bootCount(guest.serialLog)).toBe(1);
    expect(await isProcessAlive(pid)).toBe(false);
  });

  it('on_poweroff=restart turns a guest power-off into a fake reboot', { timeout: 60_000 }, async () => {
    const guest = await qemu.running('poweroff-restart', { onPoweroff: 'restart' });
    const before = guest.events.length;
    await guest.dom.shutdown({ modes: ['acpi'] });
    const states = await statesUntil(guest.dom, async () => (await bootCount(guest.serialLog)) === 2);
    expect(states).toEqual(['running (booted)']);
    const after = guest.events.slice(before);
    expect(after).toContain('reboot');
    expect(after.filter((name) => name !== 'reboot')).toEqual([]);
  });

  it.each([
    {
      set: { onReboot: 'preserve' },
      error:
        "unsupported configuration: qemu driver doesn't support the 'preserve' action for 'on_reboot'/'on_poweroff'",
    },
    {
      set: { onPoweroff: 'preserve' },
      error:
        "unsupported configuration: qemu driver doesn't support the 'preserve' action for 'on_reboot'/'on_poweroff'",
    },
    {
      set: { onReboot: 'preserve', onCrash: 'rename-restart' },
      error:
        "unsupported configuration: qemu driver doesn't support the 'rename-restart' action for 'on_reboot'/'on_poweroff'/'on_crash'",
    },
  ])('refuses to define $set as libvirt does', async ({ set, error }) => {
    const conn = await qemu.open();
    const { xml } = await qemu.guest('refused', set);
    await expect(conn.defineXml(xml)).rejects.toThrow(error);
    await expect(conn.createXml(xml)).rejects.toThrow(error);
    expect(await conn.listAllDomains()).toEqual([]);
  });
});
