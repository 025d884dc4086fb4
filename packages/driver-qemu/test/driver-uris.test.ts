import { access, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Connection, formatState, openConnection, parseUri } from '@virtkit/core';
import { describe, expect, it, vi } from 'vitest';
import { driver, qemuDriverPaths } from '../src/index.js';
import { bootCount, GUEST_WAIT, useQemuFixture } from './qemu-fixture.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Defines, starts, destroys and undefines a guest on `uri`, checking that its definition,
 * status and log land in that URI's own directories. The domain is gone afterwards, even on failure.
 */
async function roundTrip(
  fixture: ReturnType<typeof useQemuFixture>,
  uri: string,
  env: Record<string, string | undefined>,
): Promise<void> {
  const paths = qemuDriverPaths(parseUri(uri), env, process.getuid?.() === 0);
  const name = `vk-uris-${process.pid}-${parseUri(uri).path.slice(1)}`;
  const { xml, serialLog } = await fixture.guest(name);
  const conn: Connection = await openConnection(uri, { drivers: [driver], env });
  try {
    expect(conn.getUri()).toBe(uri);
    const dom = await conn.defineXml(xml);
    expect(await exists(join(paths.configDir, 'config', `${name}.xml`))).toBe(true);
    await dom.create();
    await vi.waitFor(async () => expect(await bootCount(serialLog)).toBe(1), GUEST_WAIT);
    expect(formatState(await dom.getState(), true)).toBe('running (booted)');
    expect(await exists(join(paths.stateDir, 'status', `${name}.json`))).toBe(true);
    expect(await exists(join(paths.logDir, `${name}.log`))).toBe(true);
    await dom.destroy();
    expect(await exists(join(paths.stateDir, 'status', `${name}.json`))).toBe(false);
    await dom.undefine();
    expect(await exists(join(paths.configDir, 'config', `${name}.xml`))).toBe(false);
  } finally {
    const left = await conn.lookupDomainByName(name).catch(() => undefined);
    if (left && (await left.isActive())) await left.destroy().catch(() => {});
    await left?.undefine().catch(() => {});
    await conn.close();
  }
}

describe('qemu:///system and qemu:///session directories', () => {
  const fixture = useQemuFixture();

  it('runs a guest on qemu:///session under the XDG directories of the user', {
    timeout: 60_000,
  }, async () => {
    const home = join(await fixture.prepare(), 'home');
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_CACHE_HOME: join(home, 'cache'),
      XDG_RUNTIME_DIR: join(home, 'runtime'),
    };
    await mkdir(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
    await roundTrip(fixture, 'qemu:///session', env);
    expect(await exists(join(env.XDG_CONFIG_HOME, 'virtkit', 'qemu', 'config'))).toBe(true);
    expect(await exists(join(env.XDG_RUNTIME_DIR, 'virtkit', 'qemu', 'run', 'autostarted'))).toBe(true);
  });

  // The system driver's directories are fixed (/etc/virtkit, /run/virtkit, /var/lib/virtkit, …).
  it.runIf(process.getuid?.() === 0)(
    'runs a guest on qemu:///system as root',
    { timeout: 60_000 },
    async () => {
      await fixture.prepare();
      // The host's own directories: those this test creates go again, those it found stay.
      // Each is <base>/virtkit/qemu: the virtkit directory is what a first run creates.
      const paths = Object.values(qemuDriverPaths(parseUri('qemu:///system'), process.env, true)).map(
        dirname,
      );
      const found = await Promise.all(paths.map(exists));
      try {
        await roundTrip(fixture, 'qemu:///system', process.env);
      } finally {
        const created = paths.filter((_, i) => !found[i]);
        await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true })));
      }
    },
  );
});
