import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { locateVirsh, locateVirtkit, runTool } from './side-by-side/tools.js';

// libvirtd 9.0 runs beside the tests. Its test:///default is private to each connection, so the
// command lines that change it are safe; qemu:///system is only read.
const LIBVIRTD = 'socket=/run/libvirt/libvirt-sock';
const TEST_URI = `test+unix:///default?${LIBVIRTD}`;
const QEMU_URI = `qemu+unix:///system?${LIBVIRTD}`;

const virsh = locateVirsh();
const virtkit = locateVirtkit();
const home = mkdtempSync(join(tmpdir(), 'virtkit-remote-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** libvirt's test driver derives CPU time from the clock, so two runs never agree on it. */
const maskCpuTime = (text: string) => text.replace(/^(CPU time: +)\S+$/m, '$1…');

/** virsh and virtkit run with the same command line: exit code, stdout and stderr byte for byte. */
async function sideBySide(args: readonly string[]) {
  const runs = await Promise.all([virtkit, virsh].map((tool) => runTool(tool, args, { cwd: home })));
  const [ours, theirs] = runs.map((run) => ({ ...run, stdout: maskCpuTime(run.stdout) }));
  expect(ours).toEqual(theirs);
}

describe('virtkit over the wire to libvirtd prints what virsh prints', () => {
  test.each<[string, string[]]>([
    ['list --all', [TEST_URI, 'list --all']],
    ['dominfo', [TEST_URI, 'dominfo test']],
    ['domstate --reason', [TEST_URI, 'domstate --reason test']],
    [
      'suspend and resume',
      [TEST_URI, 'suspend test; domstate --reason test; resume test; domstate --reason test'],
    ],
    ['destroy, start, shutdown', [TEST_URI, 'destroy test; start test; shutdown test; list --all']],
    ['dumpxml', [TEST_URI, 'dumpxml test']],
    ['a missing domain', [TEST_URI, 'dominfo nope']],
    ['an invalid resume', [TEST_URI, 'resume test']],
    ['host queries', [TEST_URI, 'uri; hostname; nodeinfo; capabilities']],
    ['events with a timeout', [TEST_URI, 'event --all --timeout 1']],
    ['qemu:///system list --all', [QEMU_URI, 'list --all']],
    ['an unknown scheme', [`foo+unix:///?${LIBVIRTD}`, 'list']],
  ])('%s', (_name, [uri, commands]) => sideBySide(['-c', uri as string, commands as string]));

  test('keepalive options are accepted over a transport', () =>
    sideBySide(['-k', '5', '-K', '3', '-c', TEST_URI, 'domstate test']));

  test('read-only connections are refused changes with the same text', () =>
    sideBySide(['-r', '-c', TEST_URI, 'suspend test']));
});
