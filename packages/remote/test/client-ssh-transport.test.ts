import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConnection } from '@virtkit/core';
import { afterAll, expect, test } from 'vitest';
import { driver } from '../src/client/driver.js';

// A stand-in for ssh: records its argv, then does what `ssh host nc -U SOCKET` does on the far
// side, joining its stdio to the socket named last. The URI's `command=` runs it instead of ssh.
const dir = mkdtempSync(join(tmpdir(), 'virtkit-ssh-'));
const fakeSsh = join(dir, 'fake-ssh');
const argvFile = join(dir, 'argv.json');
writeFileSync(
  fakeSsh,
  `#!${process.execPath}
const { writeFileSync } = require('node:fs');
const args = process.argv.slice(2);
writeFileSync(${JSON.stringify(argvFile)}, JSON.stringify(args));
const socket = require('node:net').connect(args.at(-1));
process.stdin.pipe(socket);
socket.pipe(process.stdout);
socket.on('close', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
`,
);
chmodSync(fakeSsh, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the ssh transport speaks the protocol over the command stdio', async () => {
  const uri = `test+ssh://alice@far.example:2222/default?command=${fakeSsh}&socket=/run/libvirt/libvirt-sock&no_verify=1`;
  const connection = await openConnection(uri, { drivers: [driver] });
  try {
    expect((await connection.listAllDomains()).map((domain) => domain.ref.name)).toEqual(['test']);
  } finally {
    await connection.close();
  }
  expect(JSON.parse(readFileSync(argvFile, 'utf8'))).toEqual([
    '-p',
    '2222',
    '-l',
    'alice',
    '-T',
    '-e',
    'none',
    '-o',
    'StrictHostKeyChecking=no',
    '--',
    'far.example',
    'nc',
    '-U',
    '/run/libvirt/libvirt-sock',
  ]);
});
