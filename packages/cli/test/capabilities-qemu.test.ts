import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/virtkit.js', import.meta.url));
const SCHEMAS = '/work/shared/libvirt-testdata/schemas';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'virtkit-cli-caps-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const virtkit = (...args: string[]) =>
  execa(process.execPath, [bin, '-c', `qemu:///embed?root=${join(dir, 'root')}`, ...args], {
    reject: false,
    env: { LC_ALL: 'C', PATH: process.env.PATH },
    extendEnv: false,
    stripFinalNewline: false,
  });

/** xmllint's complaint about `xml` against a libvirt schema, '' when it validates. */
async function schemaErrors(xml: string, schema: string): Promise<string> {
  const file = join(dir, `${schema}.xml`);
  await writeFile(file, xml);
  const result = await execa('xmllint', ['--noout', '--relaxng', join(SCHEMAS, `${schema}.rng`), file], {
    reject: false,
  });
  return result.exitCode === 0 ? '' : result.stderr;
}

it('prints the capabilities document as virsh does', async () => {
  const { stdout, stderr, exitCode } = await virtkit('capabilities');
  expect(stderr).toBe('');
  expect(exitCode).toBe(0);
  expect(stdout).toMatch(/^<capabilities>\n\n {2}<host>\n/);
  expect(stdout.endsWith('</capabilities>\n\n\n')).toBe(true);
  // libvirt's schema refuses the '.' of host CPU features such as sse4.1, which libvirt prints too.
  expect(await schemaErrors(stdout.replace(/(<feature name='[^']*)\.([^']*')/g, '$1_$2'), 'capability')).toBe(
    '',
  );
}, 120_000);

it('prints domain capabilities for the selectors given, and libvirt errors for bad ones', async () => {
  const ok = await virtkit('domcapabilities', '--virttype', 'qemu', '--machine', 'q35');
  expect(ok.stderr).toBe('');
  expect(ok.stdout).toMatch(
    /^<domainCapabilities>\n {2}<path>[^<]+<\/path>\n {2}<domain>qemu<\/domain>\n {2}<machine>pc-q35-/,
  );
  expect(ok.stdout.endsWith('</domainCapabilities>\n\n\n')).toBe(true);
  expect(await schemaErrors(ok.stdout, 'domaincaps')).toBe('');

  const bad = await virtkit('domcapabilities', '--virttype', 'foo');
  expect(bad.exitCode).toBe(1);
  expect(bad.stderr).toBe(
    'error: failed to get emulator capabilities\nerror: invalid argument: unknown virttype: foo\n',
  );
}, 120_000);
