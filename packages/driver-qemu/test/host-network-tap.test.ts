import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bootCount, GUEST_WAIT, useQemuFixture } from './qemu-fixture.js';

/** `ip -j` rows of the links ported to `bridge`. */
async function linksOn(bridge: string): Promise<{ ifname: string; operstate: string }[]> {
  const { stdout } = await execa('ip', ['-j', 'link', 'show', 'master', bridge]);
  return JSON.parse(stdout || '[]');
}

async function linkKind(name: string): Promise<string | undefined> {
  const result = await execa('ip', ['-d', '-j', 'link', 'show', 'dev', name], { reject: false });
  if (result.exitCode !== 0) return undefined;
  const [link] = JSON.parse(result.stdout) as { linkinfo?: { info_kind?: string } }[];
  return link?.linkinfo?.info_kind;
}

const interfaceXml = (bridge: string, target = '') =>
  `<interface type='bridge'><source bridge='${bridge}'/>${target}<model type='virtio'/></interface>`;

describe('tap networking at runtime (bridge interfaces on a real QEMU)', () => {
  const qemu = useQemuFixture();
  const suffix = randomBytes(3).toString('hex');
  const bridge = `vkbr${suffix}`;
  /** Taps a test names itself; deleted after it even if the driver left them. */
  const named = `vktap${suffix}`;

  beforeEach(async () => {
    await execa('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
  });
  afterEach(async () => {
    // Only links on our own bridge, and the name only this test uses, are ours to remove.
    for (const link of await linksOn(bridge).catch(() => []))
      await execa('ip', ['link', 'del', 'dev', link.ifname], { reject: false });
    await execa('ip', ['link', 'del', 'dev', named], { reject: false });
    await execa('ip', ['link', 'del', 'dev', bridge], { reject: false });
  });

  async function guestWith(name: string, interfaces: string) {
    const conn = await qemu.open();
    const guest = await qemu.guest(name);
    const dom = await conn.defineXml(guest.xml.replace('</devices>', `${interfaces}</devices>`));
    return { dom, serialLog: guest.serialLog };
  }

  it('creates a vnetN tap and the named one in the bridge while running, and deletes both on destroy', {
    timeout: 60_000,
  }, async () => {
    const { dom, serialLog } = await guestWith(
      'tap',
      interfaceXml(bridge) + interfaceXml(bridge, `<target dev='${named}'/>`),
    );
    await dom.create();
    await vi.waitFor(async () => expect(await bootCount(serialLog)).toBe(1), GUEST_WAIT);
    const ported = (await linksOn(bridge)).map((l) => l.ifname);
    expect(ported).toHaveLength(2);
    expect(ported).toContain(named);
    const generated = ported.find((n) => n !== named) ?? '';
    expect(generated).toMatch(/^vnet\d+$/);
    for (const tap of ported) expect(await linkKind(tap)).toBe('tun');
    await dom.destroy();
    expect(await linksOn(bridge)).toEqual([]);
    expect(await linkKind(generated)).toBeUndefined();
    expect(await linkKind(named)).toBeUndefined();
  });

  it("refuses a tap name the kernel would not take with libvirt's error, leaving nothing behind", {
    timeout: 30_000,
  }, async () => {
    const { dom } = await guestWith(
      'badtap',
      interfaceXml(bridge) + interfaceXml(bridge, "<target dev='a/b'/>"),
    );
    await expect(dom.create()).rejects.toThrow('Unable to create tap device a/b: Invalid argument');
    expect(await linksOn(bridge)).toEqual([]);
    expect(await dom.isActive()).toBe(false);
  });

  it('deletes the taps it made when a later interface cannot be connected', { timeout: 30_000 }, async () => {
    const missing = `vkno${suffix}`;
    const { dom } = await guestWith(
      'nobridge',
      interfaceXml(bridge, `<target dev='${named}'/>`) + interfaceXml(missing),
    );
    await expect(dom.create()).rejects.toThrow();
    expect(await linkKind(named)).toBeUndefined();
    expect(await linksOn(bridge)).toEqual([]);
  });
});
