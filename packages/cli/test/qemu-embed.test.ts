import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/virtkit.js', import.meta.url));
const image = fileURLToPath(new URL('../../../../shared/guest/powerbutton.img', import.meta.url));

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'virtkit-cli-qemu-'));
  await copyFile(image, join(dir, 'guest.img'));
  await writeFile(
    join(dir, 'guest.xml'),
    `<domain type='qemu'>
  <name>pb</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='${join(dir, 'guest.img')}'/>
      <target dev='hda' bus='ide'/>
    </disk>
    <serial type='file'><source path='${join(dir, 'serial.log')}'/></serial>
  </devices>
</domain>
`,
  );
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
