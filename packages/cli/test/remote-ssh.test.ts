import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from './free-port.js';
import { locateVirsh, locateVirtkit, runTool } from './side-by-side/tools.js';
import { until } from './wait-until.js';

// A real sshd of our own on 127.0.0.1 (temp host key, temp authorized_keys, its own config), and
// an ssh that keeps its known_hosts in the temp dir: /etc/ssh and root's ~/.ssh are never used.
// Through it, virtkit and virsh reach libvirtd and a virtkitd with the same URIs.
const SSHD = '/usr/sbin/sshd';
const LIBVIRTD_SOCKET = '/run/libvirt/libvirt-sock';
// sshd runs as root only; CI is root and installs openssh-server, and setup starts libvirtd.
const usable = process.getuid?.() === 0;

const dir = mkdtempSync(join(tmpdir(), 'virtkit-ssh-'));
const file = (name: string) => join(dir, name);
const virtkitdRoot = file('virtkitd');
let sshd: ResultPromise | undefined;
let virtkitd: ResultPromise | undefined;
let port = 0;

async function startSshd(): Promise<void> {
  for (const key of ['host', 'client'])
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', key, '-f', file(key)]);
  writeFileSync(file('authorized_keys'), readFileSync(file('client.pub')));
  port = await freePort();
  writeFileSync(
    file('sshd_config'),
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${file('host')}`,
      `AuthorizedKeysFile ${file('authorized_keys')}`,
      `PidFile ${file('sshd.pid')}`,
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      '',
    ].join('\n'),
  );
  // Known from the start, so neither client is told "Permanently added" on its first run.
  const hostKey = readFileSync(file('host.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(file('known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
  // The URIs' `command=`: ssh without the system's or root's configuration, noting its argv.
  writeFileSync(
    file('ssh'),
    `#!/bin/sh\nprintf '%s\\n' "$@" > '${file('ssh-argv')}'\n` +
      `exec ssh -F none -o UserKnownHostsFile='${file('known_hosts')}' -o GlobalKnownHostsFile=/dev/null "$@"\n`,
  );
  chmodSync(file('ssh'), 0o755);
  // sshd's privilege separation directory, which Debian's service unit would create.
  mkdirSync('/run/sshd', { recursive: true });
  let said = '';
  sshd = execa(SSHD, ['-f', file('sshd_config'), '-D', '-e'], { reject: false, stdin: 'ignore' });
  sshd.stderr?.on('data', (chunk: Buffer) => (said += chunk));
  await until(() => said.includes('Server listening'), `sshd (${said})`);
}

async function startVirtkitd(): Promise<void> {
  const bin = join(
    dirname(createRequire(import.meta.url).resolve('@virtkit/daemon')),
    '..',
    'bin',
    'virtkitd.js',
  );
  virtkitd = execa(process.execPath, [bin, '--root', virtkitdRoot], { reject: false, stdin: 'ignore' });
  await until(() => existsSync(join(virtkitdRoot, 'run', 'virtkit-sock')), 'virtkitd');
}

beforeAll(async () => {
  if (usable) await Promise.all([startSshd(), startVirtkitd()]);
}, 20_000);

afterAll(async () => {
  for (const child of [sshd, virtkitd]) child?.kill('SIGTERM');
  await Promise.all([sshd, virtkitd]);
  rmSync(dir, { recursive: true, force: true });
});

/** libvirt's test driver derives CPU time from the clock, so two runs never agree on it. */
const maskCpuTime = (text: string) => text.replace(/^(CPU time: +)\S+$/m, '$1…');

/** Runs a tool, returning what it printed and the command line it gave ssh. */
async function overSsh(tool: ReturnType<typeof locateVirsh>, args: readonly string[]) {
  rmSync(file('ssh-argv'), { force: true });
  const run = await runTool(tool, args, { cwd: dir });
  const argv = existsSync(file('ssh-argv')) ? readFileSync(file('ssh-argv'), 'utf8') : undefined;
  return { ...run, stdout: maskCpuTime(run.stdout), argv };
}

/** An ssh URI to our sshd as root, with the client key, our ssh, and `extra` query parameters. */
const uri = (scheme: 'test' | 'qemu', ...extra: string[]) =>
  `${scheme}+ssh://root@127.0.0.1:${port}/${scheme === 'qemu' ? 'system' : 'default'}?` +
  [...extra, `keyfile=${file('client')}`, 'no_verify=1', `command=${file('ssh')}`].join('&');

describe.skipIf(!usable)('the ssh transport through a real sshd', () => {
  test.each<[string, () => string[], number]>([
    [
      'libvirtd through netcat (socket=)',
      () => ['-c', uri('test', `socket=${LIBVIRTD_SOCKET}`), 'list --all; dominfo test'],
      0,
    ],
    [
      'libvirtd through virt-ssh-helper (the default)',
      () => ['-c', uri('test'), 'list --all; dominfo test'],
      0,
    ],
    [
      'libvirtd read-only (virt-ssh-helper -r)',
      () => ['-r', '-c', uri('test'), 'list --all; suspend test'],
      1,
    ],
    ['libvirtd through proxy=netcat', () => ['-c', uri('qemu', 'proxy=netcat'), 'list --all'], 0],
    [
      'virtkitd through netcat (socket=)',
      () => ['-c', uri('test', `socket=${virtkitdRoot}/run/virtkit-sock`), 'list --all; dominfo test'],
      0,
    ],
    [
      'virtkitd qemu:///system',
      () => ['-c', uri('qemu', `socket=${virtkitdRoot}/run/virtkit-sock`), 'list --all'],
      0,
    ],
    ['a far side without a daemon', () => ['-c', uri('test', `socket=${file('nowhere')}`), 'list'], 1],
  ])('%s: virtkit prints what virsh prints', async (_name, args, exitCode) => {
    const ours = await overSsh(locateVirtkit(), args());
    const theirs = await overSsh(locateVirsh(), args());
    expect(ours).toMatchObject({ exitCode, argv: expect.stringContaining('\n127.0.0.1\n') });
    expect(ours).toEqual(theirs);
  });
});
