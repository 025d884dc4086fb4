/**
 * A container without a root <filesystem> shares the host's root, as libvirt's LXC driver does: it
 * sees the host's files but has its own pid 1, hostname, /proc and /dev, and the host's mounts are
 * untouched. Its init is a script of the test's: never the host's /sbin/init, which define refuses
 * to default to without a root filesystem.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConnection } from '@virtkit/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { driver } from '../src/index.js';
import { killLeftoverControllers } from '../src/testing/index.js';
import { CONTAINER_WAIT } from './lxc-fixture.js';

const hostMounts = () => readFileSync('/proc/self/mountinfo', 'utf8');

describe('a container sharing the host root', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vkl-shared-'));
  });
  afterAll(async () => {
    await killLeftoverControllers(join(root, 'run', 'lxc'));
    await rm(root, { recursive: true, force: true });
  });

  it('sees the host files with its own pid 1, hostname, /proc and /dev, and leaves the host mounts alone', async () => {
    const report = join(root, 'report');
    const init = join(root, 'init.sh');
    await writeFile(join(root, 'host-file'), 'from the host\n');
    await writeFile(
      init,
      `#!/bin/sh
trap 'exit 0' TERM
{
  echo "pid=$$"
  echo "hostname=$(cat /proc/sys/kernel/hostname)"
  echo "host-file=$(cat ${join(root, 'host-file')})"
  echo "processes=$(ls -d /proc/[0-9]* | wc -l)"
  echo "dev=$(ls /dev | tr '\\n' ' ')"
} > ${report}.tmp && mv ${report}.tmp ${report}
while :; do sleep 1 & wait $!; done
`,
    );
    await chmod(init, 0o755);
    const before = hostMounts();
    const conn = await openConnection(`lxc:///embed?root=${root}`, { drivers: [driver], env: process.env });
    try {
      const dom = await conn.createXml(`<domain type='lxc'>
  <name>vk-shared</name>
  <memory unit='KiB'>65536</memory>
  <os><type>exe</type><init>${init}</init></os>
  <devices><console type='pty'/></devices>
</domain>`);
      await vi.waitFor(() => expect(existsSync(report)).toBe(true), CONTAINER_WAIT);
      const seen = Object.fromEntries(
        readFileSync(report, 'utf8')
          .trim()
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      expect(seen.pid).toBe('1');
      expect(seen.hostname).toBe('vk-shared');
      expect(seen['host-file']).toBe('from the host');
      // init, the shell's command substitution and ls: the host's processes are not there.
      expect(Number(seen.processes)).toBeLessThan(6);
      expect(seen.dev?.split(' ')).toEqual(
        expect.arrayContaining(['console', 'null', 'pts', 'ptmx', 'tty', 'zero']),
      );
      expect(seen.dev).not.toContain('vda');
      await dom.destroy();
      // A transient container is forgotten once it stops.
      expect(await conn.listAllDomains()).toEqual([]);
    } finally {
      await conn.close();
    }
    expect(hostMounts()).toBe(before);
  });
});
