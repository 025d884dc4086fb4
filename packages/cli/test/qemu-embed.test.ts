import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePowerbuttonGuest } from '@virtkit/driver-qemu/testing';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/virtkit.js', import.meta.url));

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'virtkit-cli-qemu-'));
  const { xml } = await makePowerbuttonGuest(dir, 'pb');
  await writeFile(join(dir, 'guest.xml'), xml);
});

afterEach(async () => {
  // Every QEMU of this test has the temporary directory in its command line.
  await execa('pkill', ['-KILL', '-f', dir], { reject: false });
  await rm(dir, { recursive: true, force: true });
});

const virtkit = (commands: string) =>
  execa(process.execPath, [bin, '-c', `qemu:///embed?root=${join(dir, 'root')}`, commands], {
    reject: false,
    env: { LC_ALL: 'C', PATH: process.env.PATH },
    extendEnv: false,
    stripFinalNewline: false,
  });

it('manages a real QEMU guest across virtkit processes, each reattaching to it', async () => {
  const first = await virtkit(`define ${join(dir, 'guest.xml')}; start pb; domstate --reason pb`);
  expect(first.stderr).toBe('');
  expect(first.stdout).toBe(
    `Domain 'pb' defined from ${join(dir, 'guest.xml')}\n\nDomain 'pb' started\n\nrunning (booted)\n\n`,
  );

  const second = await virtkit('list --all; destroy pb; domstate --reason pb');
  expect(second.stderr).toBe('');
  expect(second.stdout).toBe(
    ' Id   Name   State\n----------------------\n 1    pb     running\n\n' +
      "Domain 'pb' destroyed\n\nshut off (destroyed)\n\n",
  );
  expect(second.exitCode).toBe(0);
});

/** libvirtd 9.0, which scripts/setup.sh starts beside the tests: `virsh -c qemu:///system` is ground truth. */
const virsh = (commands: string) =>
  execa('virsh', ['-c', 'qemu:///system', commands], {
    reject: false,
    env: { LC_ALL: 'C' },
    stripFinalNewline: false,
  });

/** Output lines that differ between two runs of one definition: ids, uuids, CPU time, taint messages. */
const comparable = (output: string) =>
  output
    .split('\n')
    .filter((line) => !/^(Id|UUID|CPU time|Messages):/.test(line))
    .join('\n');

describe('side by side with libvirtd (qemu:///system)', () => {
  const name = `vkcli-info-${process.pid}`;
  afterEach(async () => {
    await virsh(`destroy ${name}`);
    await virsh(`undefine ${name}`);
  });

  /** The guest as `name`, on a disk and serial log of its own for `side` (QEMU locks its disk). */
  async function guestFor(side: string): Promise<string> {
    const xml = join(dir, `${side}.xml`);
    const guest = await makePowerbuttonGuest(dir, side);
    await writeFile(xml, guest.xml.replace(`<name>${side}</name>`, `<name>${name}</name>`));
    return xml;
  }

  /** Runs `commands(xml)` through virtkit (embed) and virsh (libvirtd), each on its own copy of the guest. */
  async function sideBySide(commands: (xml: string) => string) {
    const ours = await virtkit(commands(await guestFor('virtkit')));
    const theirs = await virsh(commands(await guestFor('libvirt')));
    return { ours, theirs };
  }

  it('prints the dominfo virsh prints for the same domain, stopped and running', async () => {
    const { ours, theirs } = await sideBySide(
      (xml) => `define ${xml}; dominfo ${name}; start ${name}; dominfo ${name}; destroy ${name}`,
    );
    expect(ours.stderr).toBe('');
    expect(comparable(ours.stdout).replaceAll(join(dir, 'virtkit'), 'GUEST')).toBe(
      comparable(theirs.stdout).replaceAll(join(dir, 'libvirt'), 'GUEST'),
    );
    expect(ours.stdout).toContain('OS Type:        hvm\n');
    expect(ours.stdout).toContain('Security model: none\nSecurity DOI:   0\n');
  });

  it('marks autostart and lists by it as virsh does', async () => {
    const { ours, theirs } = await sideBySide(
      (xml) =>
        `define ${xml}; autostart ${name}; list --all --autostart; dominfo ${name}; ` +
        `autostart --disable ${name}; list --all --autostart`,
    );
    expect(ours.stderr).toBe('');
    expect(comparable(ours.stdout).replaceAll(join(dir, 'virtkit'), 'GUEST')).toBe(
      comparable(theirs.stdout).replaceAll(join(dir, 'libvirt'), 'GUEST'),
    );
    expect(ours.stdout).toContain(`Domain '${name}' marked as autostarted`);
  });
});
