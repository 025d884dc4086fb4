import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { type Connection, openConnection } from '@virtkit/core';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { driver } from '../src/client/driver.js';

// libvirtd 9.0 runs here as root; the project's guest prints BOOT on its first serial port.
const SOCKET = '/run/libvirt/libvirt-sock';
const URI = `qemu+unix:///system?socket=${SOCKET}`;
const IMAGE = new URL('../../../../shared/guest/powerbutton.img', import.meta.url).pathname;
const NAME = `vk-console-${process.pid}`;

const virsh = (...args: string[]) => execa('virsh', ['-c', 'qemu:///system', ...args], { reject: false });

function guestXml(image: string): string {
  return `<domain type='qemu'>
  <name>${NAME}</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='${image}'/>
      <target dev='hda' bus='ide'/>
    </disk>
    <serial type='pty'/>
    <console type='pty'/>
  </devices>
</domain>
`;
}

let dir: string | undefined;
let connection: Connection | undefined;
let stream: Duplex | undefined;

afterEach(async () => {
  stream?.destroy();
  stream = undefined;
  await connection?.close().catch(() => {});
  connection = undefined;
  await virsh('destroy', NAME);
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Collects what `stream` sends until `text` appears. */
function waitFor(source: Duplex, text: string, ms = 20000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${text} in ${JSON.stringify(seen)}`)), ms);
    source.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
}

describe('the console through real libvirtd 9.0 (virDomainOpenConsole over the wire)', () => {
  it("reads the guest's BOOT after a reset, then finishes the stream", async (ctx) => {
    const probe = await virsh('uri');
    if (probe.exitCode !== 0) ctx.skip();
    dir = await mkdtemp(join(tmpdir(), 'vk-console-'));
    const image = join(dir, 'guest.img');
    await copyFile(IMAGE, image);
    const xmlFile = join(dir, 'guest.xml');
    await writeFile(xmlFile, guestXml(image));
    const created = await virsh('create', xmlFile);
    expect(created.stderr).toBe('');

    connection = await openConnection(URI, { drivers: [driver] });
    const domain = await connection.lookupDomainByName(NAME);
    stream = await domain.openConsole();
    const booted = waitFor(stream, 'BOOT');
    // Resetting through the same connection makes the guest print BOOT again, now that we listen.
    await domain.reset();
    expect(await booted).toContain('BOOT');

    // A second session is refused while this one holds the console, as libvirt's console lock says.
    const other = await openConnection(URI, { drivers: [driver] });
    try {
      await expect((await other.lookupDomainByName(NAME)).openConsole()).rejects.toThrow(
        /Active console session exists for this domain/,
      );
    } finally {
      await other.close();
    }

    const held = stream;
    const finished = new Promise<void>((resolve, reject) => {
      held.once('finish', () => resolve());
      held.once('error', reject);
    });
    held.end();
    await finished;
  }, 60000);
});
