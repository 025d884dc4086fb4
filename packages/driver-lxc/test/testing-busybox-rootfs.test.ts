import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDomainXml } from '@virtkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { BUSYBOX, lxcDomainXml, makeBusyboxRootfs } from '../src/testing/index.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

describe.skipIf(!existsSync(BUSYBOX))('makeBusyboxRootfs', () => {
  it('builds a root with busybox, its applets, /etc basics, mount points and the test init', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vk-h2-rootfs-'));
    const root = await makeBusyboxRootfs(join(dir, 'root'), { hostname: 'box' });
    expect((await stat(join(root, 'bin/busybox'))).mode & 0o111).not.toBe(0);
    expect(await readlink(join(root, 'bin/sh'))).toBe('/bin/busybox');
    expect(await readlink(join(root, 'sbin/reboot'))).toBe('/bin/busybox');
    for (const sub of ['proc', 'sys', 'dev', 'tmp', 'root', 'run'])
      expect(existsSync(join(root, sub))).toBe(true);
    expect(await readFile(join(root, 'etc/passwd'), 'utf8')).toMatch(/^root:x:0:0:/);
    expect(await readFile(join(root, 'etc/hostname'), 'utf8')).toBe('box\n');
    const init = await readFile(join(root, 'sbin/init'), 'utf8');
    expect(init).toContain('echo BOOT');
    expect(init).toContain('[ "$$" = 1 ]');
  });
});

describe('lxcDomainXml', () => {
  it('is a valid LXC domain with an exe init, a root mount and a pty console', () => {
    const def = parseDomainXml(lxcDomainXml({ name: 'c1', rootfs: '/srv/c1', initArgs: ["it's"] }));
    expect(def.type).toBe('lxc');
    expect(def.os.type).toBe('exe');
    expect(def.os.init).toBe('/sbin/init');
    expect(def.os.initArgs).toEqual(["it's"]);
    const fs = def.devices.find((d) => d.kind === 'filesystem');
    expect(fs).toMatchObject({ type: 'mount', source: { dir: '/srv/c1' }, targetDir: '/' });
    expect(def.devices.some((d) => d.kind === 'console')).toBe(true);
  });
});
