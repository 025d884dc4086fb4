import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errnoCode, VirtError } from '@virtkit/core';
import { execa } from 'execa';
import { exists } from '../cgroup/cgroup-io.js';

export const BUSYBOX = '/bin/busybox';

export interface BusyboxRootfsOptions {
  /** The text of /sbin/init; TEST_INIT when absent. */
  readonly init?: string;
  /** /etc/hostname, when wanted (the container's hostname comes from the domain name regardless). */
  readonly hostname?: string;
  /** Host ids to own every file: a container with <idmap> needs its root's target ids here. */
  readonly owner?: { readonly uid: number; readonly gid: number };
}

/**
 * The init tests boot: prints BOOT, answers SIGTERM with POWEROFF and exit 0, and runs each line typed
 * on the console (in a subshell, so a bad line cannot end init), its output on the console.
 * reboot/poweroff/halt run only as pid 1 — never where they could reach the host's init.
 */
export const TEST_INIT = `#!/bin/sh
trap 'echo POWEROFF; exit 0' TERM
echo BOOT
while IFS= read -r line; do
  case $line in
    reboot*|poweroff*|halt*)
      if [ "$$" = 1 ]; then (eval "$line"); else echo "refused: not pid 1"; fi ;;
    *) (eval "$line") ;;
  esac
done
echo CONSOLE-EOF
`;

/**
 * Builds a root file system from the host's statically linked busybox: bin/busybox, a symlink for
 * every applet, /etc basics, the usual empty mount points, and TEST_INIT (or `options.init`) as /sbin/init.
 */
export async function makeBusyboxRootfs(dir: string, options: BusyboxRootfsOptions = {}): Promise<string> {
  if (!(await exists(BUSYBOX))) {
    throw new VirtError(
      'OPERATION_INVALID',
      `${BUSYBOX} is missing: install the Debian package busybox-static`,
      {
        domain: 'LXC',
      },
    );
  }
  for (const sub of [
    'bin',
    'sbin',
    'usr/bin',
    'usr/sbin',
    'etc',
    'proc',
    'sys',
    'dev',
    'tmp',
    'root',
    'run',
    'var',
  ]) {
    await mkdir(join(dir, sub), { recursive: true });
  }
  await chmod(join(dir, 'tmp'), 0o1777);
  await execa('cp', [BUSYBOX, join(dir, 'bin/busybox')]);
  const { stdout } = await execa(BUSYBOX, ['--list-full']);
  for (const applet of stdout.split('\n').map((l) => l.trim())) {
    if (applet === '' || applet === 'bin/busybox' || applet === 'sbin/init') continue;
    const path = join(dir, applet);
    await mkdir(dirname(path), { recursive: true });
    await symlink('/bin/busybox', path).catch((error: unknown) => {
      if (errnoCode(error) !== 'EEXIST') throw error;
    });
  }
  await writeFile(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(join(dir, 'etc/group'), 'root:x:0:\ntty:x:5:\n');
  if (options.hostname !== undefined) await writeFile(join(dir, 'etc/hostname'), `${options.hostname}\n`);
  await writeFile(join(dir, 'sbin/init'), options.init ?? TEST_INIT, { mode: 0o755 });
  if (options.owner) await execa('chown', ['-hR', `${options.owner.uid}:${options.owner.gid}`, dir]);
  return dir;
}
