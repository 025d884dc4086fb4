import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConnection } from '@virtkit/core';
import { afterAll, expect, test } from 'vitest';
import { driver } from '../src/client/driver.js';

// A stand-in for ssh: records its argv, then runs the far side's command (the last argument) here,
// as sshd would run it there. The URI's `command=` runs it instead of ssh.
const dir = mkdtempSync(join(tmpdir(), 'virtkit-ssh-'));
const fakeSsh = join(dir, 'fake-ssh');
const argvFile = join(dir, 'argv.json');
writeFileSync(
  fakeSsh,
  `#!${process.execPath}
const { writeFileSync } = require('node:fs');
const args = process.argv.slice(2);
writeFileSync(${JSON.stringify(argvFile)}, JSON.stringify(args));
require('node:child_process')
  .spawn('/bin/sh', ['-c', args.at(-1)], { stdio: 'inherit' })
  .on('exit', (code) => process.exit(code ?? 1));
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
    `sh -c 'if 'nc' -q 2>&1 | grep "requires an argument" >/dev/null 2>&1; then ARG=-q0;else ARG=;fi;'nc' $ARG -U /run/libvirt/libvirt-sock'`,
  ]);
});
