import { parseDomainXml } from '@virtkit/core';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { containerEnv, containerInit } from '../src/controller/container-env.js';
import {
  containerCommand,
  rootFilesystem,
  SETUP_FILES,
  type SetupPlan,
  setupMountTables,
  setupScript,
} from '../src/controller/container-setup.js';
import type { HostTools } from '../src/controller/host-tools.js';
import { readIdMap } from '../src/controller/id-map.js';
import { shellCommand } from '../src/controller/shell-quote.js';
import { lxcDomainXml } from '../src/testing/index.js';

const TOOLS: HostTools = {
  sh: '/bin/sh',
  mount: '/bin/mount',
  umount: '/usr/bin/umount',
  hostname: '/bin/hostname',
  setpriv: '/usr/bin/setpriv',
  unshare: '/usr/bin/unshare',
  script: '/usr/bin/script',
  mkdir: '/bin/mkdir',
  cp: '/bin/cp',
  cat: '/bin/cat',
  pivotRoot: '/sbin/pivot_root',
  loader: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
  libraryDirs: ['/usr/lib/x86_64-linux-gnu'],
};

function plan(xml: string, extra: Partial<SetupPlan> = {}): SetupPlan {
  return {
    runDir: '/run/vk/c1',
    def: parseDomainXml(xml),
    tools: TOOLS,
    ownNetwork: false,
    userNamespace: false,
    ...extra,
  };
}

describe('the setup command line', () => {
  it('quotes every word so sh -c gives it back unchanged', async () => {
    const words = ['plain', 'two words', "it's", '$HOME', '`id`', 'a"b', '', '*', 'new\nline'];
    const { stdout } = await execa('sh', ['-c', `printf '%s\\0' ${shellCommand(words)}`]);
    expect(stdout.split('\0').slice(0, -1)).toEqual(words);
  });

  it('runs unshare with a pid namespace and the init with its args, under script for a pty', () => {
    const xml = lxcDomainXml({ name: 'c1', rootfs: '/srv/c1', initArgs: ['-x', 'a b'] });
    const { file, args } = containerCommand(plan(xml));
    expect(file).toBe('/usr/bin/script');
    expect(args.slice(0, 5)).toEqual(['-qfe', '-E', 'never', '-c', args[4]]);
    expect(args[5]).toBe('/dev/null');
    expect(args[4]).toBe(
      "exec /usr/bin/unshare --mount --uts --ipc --pid --fork --kill-child -- /bin/sh /run/vk/c1/setup.sh start /sbin/init -x 'a b'",
    );
    const withNetAndUser = containerCommand(plan(xml, { ownNetwork: true, userNamespace: true })).args[4];
    expect(withNetAndUser).toContain('--pid --net --user --keep-caps --fork');
  });

  it('pivots into the root filesystem bound on itself, binds the others, and waits for go first', () => {
    const xml = lxcDomainXml({
      name: 'c1',
      rootfs: '/srv/c1',
      mounts: [{ source: '/srv/data', target: '/data', readonly: true }],
    });
    const script = setupScript(plan(xml));
    const at = (needle: string) => {
      const i = script.indexOf(needle);
      expect(i, needle).toBeGreaterThanOrEqual(0);
      return i;
    };
    // The controller puts the shell in the cgroup before it sends go; unshare made the mounts private.
    expect(script).not.toContain('cgroup.procs');
    expect(script).not.toContain('--make-rprivate');
    expect(at('read -r go <&4')).toBeLessThan(at('mount -a -T /run/vk/c1/setup.fstab.sys'));
    const tables = setupMountTables(plan(xml));
    expect(tables[SETUP_FILES.fstabSys]?.split('\n')[0]).toBe('/srv/c1 /srv/c1 none bind 0 0');
    expect(at('mount -a -T /run/vk/c1/setup.fstab.sys')).toBeLessThan(
      at('/bin/cp -RP /run/vk/c1/dev.skel/. /srv/c1/dev/'),
    );
    expect(at('/bin/cp -RP /run/vk/c1/dev.skel/. /srv/c1/dev/')).toBeLessThan(
      at('mount -a -T /run/vk/c1/setup.fstab.dev'),
    );
    expect(at("printf '%s\\n' c1 2>/dev/null >/proc/sys/kernel/hostname || /bin/hostname c1")).toBeLessThan(
      at('/sbin/pivot_root'),
    );
    expect(at('--bind /srv/data /srv/c1/data')).toBeLessThan(at('remount,bind,ro /srv/c1/data'));
    expect(at('/sbin/pivot_root . .oldroot')).toBeLessThan(
      at(
        '/.oldroot/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path /.oldroot/usr/lib/x86_64-linux-gnu /.oldroot/usr/bin/umount -l /.oldroot',
      ),
    );
    expect(at('echo exec >&3')).toBeLessThan(at('exec "$@"'));
    expect(script).not.toContain('setpriv');
  });

  it('without a root filesystem mounts over the host tree and never pivots', () => {
    const script = setupScript(plan(lxcDomainXml({ name: 'c1' })));
    expect(rootFilesystem(parseDomainXml(lxcDomainXml({ name: 'c1' })))).toBeUndefined();
    expect(script).not.toContain('pivot_root');
    expect(script).toContain('--move /run/vk/c1/dev.stage /dev');
    expect(script).toContain('-t proc -o nosuid,nodev,noexec proc /proc');
  });

  it('with a user namespace re-execs the shell as the namespace root once the maps exist', () => {
    const xml = lxcDomainXml({
      name: 'c1',
      rootfs: '/srv/c1',
      idmap: { start: 0, target: 100000, count: 65536 },
    });
    const p = plan(xml, { userNamespace: true });
    expect(readIdMap(p.def)).toEqual({
      uids: [{ start: 0, target: 100000, count: 65536 }],
      gids: [{ start: 0, target: 100000, count: 65536 }],
    });
    expect(setupScript(p)).toContain(
      '/usr/bin/setpriv --reuid=0 --regid=0 --clear-groups -- /bin/sh -c "$script" "$0" mount "$@"',
    );
  });
});

describe('the container environment', () => {
  it("is libvirt's: fixed base, identity, the joined initargs, then each initenv", () => {
    const def = parseDomainXml(
      lxcDomainXml({
        name: 'web',
        uuid: '11111111-2222-4333-8444-555555555555',
        initArgs: ['--a', 'b c'],
        initEnv: { FOO: 'bar baz' },
      }),
    );
    expect(containerEnv(def)).toEqual({
      PATH: '/bin:/sbin',
      TERM: 'linux',
      container: 'lxc-libvirt',
      HOME: '/',
      container_uuid: '11111111-2222-4333-8444-555555555555',
      LIBVIRT_LXC_UUID: '11111111-2222-4333-8444-555555555555',
      LIBVIRT_LXC_NAME: 'web',
      LIBVIRT_LXC_CMDLINE: '--a b c',
      FOO: 'bar baz',
    });
    const bare = parseDomainXml(lxcDomainXml({ name: 'web' }).replace(/<init>[^<]*<\/init>/, ''));
    expect(containerEnv(bare)).not.toHaveProperty('LIBVIRT_LXC_CMDLINE');
    expect(containerInit(bare)).toBe('/sbin/init');
  });
});
