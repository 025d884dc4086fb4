import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let dir: string;
let xmlFile: string;

const domainXml = (image: string) => `<domain type='qemu'>
  <name>d2n</name>
  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='${image}'/>
      <target dev='hda' bus='ide'/>
    </disk>
    <interface type='user'><mac address='52:54:00:11:22:33'/></interface>
    <interface type='bridge'><mac address='52:54:00:11:22:34'/><source bridge='br0'/><model type='virtio'/></interface>
  </devices>
</domain>
`;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'virtkit-d2n-'));
  xmlFile = join(dir, 'guest.xml');
  await writeFile(xmlFile, domainXml(join(dir, 'disk image.img')));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ENV = { PATH: '/usr/bin:/bin' };
const embed = () => `qemu:///embed?root=${dir}`;
const virtkit = (...args: string[]) => runCli(['-c', embed(), ...args], { env: ENV });

/** The shell words of a printed command line (single quotes only, as libvirt writes them). */
function shellWords(line: string): string[] {
  return [...line.trim().matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

describe('virtkit domxml-to-native', () => {
  it('prints the environment, the emulator and the quoted arguments of FILE on one line', async () => {
    const { code, stdout, stderr } = await virtkit('domxml-to-native', 'qemu-argv', xmlFile);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const domainDir = `${dir}/lib/qemu/domain--1-d2n`;
    expect(stdout.startsWith(`LC_ALL=C PATH=/usr/bin:/bin HOME=${domainDir} XDG_DATA_HOME=`)).toBe(true);
    expect(stdout.endsWith(' -msg timestamp=on\n')).toBe(true);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const words = shellWords(stdout);
    expect(words.slice(6, 9)).toEqual(['/usr/bin/qemu-system-x86_64', '-name', 'guest=d2n,debug-threads=on']);
    expect(words).toContain(`socket,id=charmonitor,path=${domainDir}/monitor.sock,server=on,wait=off`);
    // A JSON argument (with a space in a path) is one single-quoted word.
    expect(stdout).toContain(`-blockdev '{"driver":"file","filename":"${dir}/disk image.img",`);
    // Every interface becomes a tap QEMU is handed as fds: libvirt makes no host device for it.
    expect(words.filter((w) => w.startsWith('{"type":"tap"'))).toEqual([
      '{"type":"tap","fd":"3","id":"hostnet0"}',
      '{"type":"tap","fd":"3","id":"hostnet1"}',
    ]);
  });

  it('converts a defined domain named by --domain', async () => {
    const { code, stdout } = await virtkit(`define ${xmlFile}; domxml-to-native qemu-argv --domain d2n`);
    expect(code).toBe(0);
    expect(stdout).toContain('-name guest=d2n,debug-threads=on');
  });

  it.each([
    [['domxml-to-native', 'foo'], 'error: need either domain or domain XML\n'],
    [['domxml-to-native', 'xen-xm', 'FILE'], 'error: invalid argument: unsupported config type xen-xm\n'],
    [
      ['domxml-to-native', 'qemu-argv', '--domain', 'd2n', '--xml', 'FILE'],
      'error: Options --domain and --xml are mutually exclusive\n',
    ],
    [['domxml-to-native', 'qemu-argv', '--domain', 'nosuch'], "error: failed to get domain 'nosuch'\n"],
  ])('refuses %j as virsh does', async (args, message) => {
    const { code, stdout, stderr } = await virtkit(...args.map((a) => (a === 'FILE' ? xmlFile : a)));
    // virsh's empty line after a command comes even after a failed one.
    expect({ code, stdout, stderr }).toEqual({ code: 1, stdout: '\n', stderr: message });
  });
});

/**
 * The differences between libvirt 9.0 here and virtkit's libvirt 9.6 command line, rewritten
 * away: PATH (each manager's own), the state dir, fd numbers, 9.6's `-m size=…k` for 9.0's MiB
 * and `-machine …,acpi=` for 9.0's `-no-acpi`.
 */
function comparable(words: string[], dir: string): string[] {
  return words
    .filter((w) => !w.startsWith('PATH=') && w !== '-no-acpi')
    .map((w) =>
      w
        .replaceAll('/var/lib/libvirt/qemu', `${dir}/lib/qemu`)
        .replace(/,acpi=(on|off)$/, '')
        .replace(/^size=(\d+)k$/, (_, kib) => String(Number(kib) / 1024))
        .replace(/"fd":"\d+"/, '"fd":"N"'),
    );
}

describe('virtkit domxml-to-native beside libvirt 9.0 (qemu:///system)', () => {
  it('gives the same arguments as virsh for the same XML, fds and the libvirt 9.6 memory syntax aside', async () => {
    const virsh = await execa('virsh', ['-c', 'qemu:///system', 'domxml-to-native', 'qemu-argv', xmlFile], {
      reject: false,
    });
    if (virsh.exitCode !== 0) return expect.soft(virsh.stderr, 'libvirtd is not reachable').toBe('');
    const ours = await virtkit('domxml-to-native', 'qemu-argv', xmlFile);
    expect(comparable(shellWords(ours.stdout), dir)).toEqual(comparable(shellWords(virsh.stdout), dir));
  });
});
