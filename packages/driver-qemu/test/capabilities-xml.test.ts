import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { useQemuFixture } from './qemu-fixture.js';

const SCHEMAS = '/work/shared/libvirt-testdata/schemas';
const fixture = useQemuFixture();

/** Validates `xml` against a libvirt RelaxNG schema with xmllint; resolves to its complaint, if any. */
async function schemaErrors(xml: string, schema: string): Promise<string> {
  const file = join(fixture.root, `${schema}.xml`);
  await writeFile(file, xml);
  return promisify(execFile)('xmllint', ['--noout', '--relaxng', join(SCHEMAS, `${schema}.rng`), file]).then(
    () => '',
    (error: { stderr: string }) => error.stderr,
  );
}

test('capabilities list the host and a guest per installed x86 emulator, valid for libvirt', async () => {
  const conn = await fixture.open();
  const xml = await conn.getCapabilities();
  // The schema's host CPU feature names allow no '.', yet libvirt prints `sse4.1` there itself
  // (libvirtd's own output here fails the same check): that is the one thing left out.
  const dotless = xml.replace(
    /<feature name='([^']*)'/g,
    (_, name: string) => `<feature name='${name.replaceAll('.', '_')}'`,
  );
  expect(await schemaErrors(dotless, 'capability')).toBe('');
  expect(xml).toMatch(/^<capabilities>\n\n {2}<host>\n {4}<uuid>/);
  expect(xml).toContain(
    "<arch name='x86_64'>\n      <wordsize>64</wordsize>\n      <emulator>/usr/bin/qemu-system-x86_64</emulator>",
  );
  expect(xml).toMatch(/<machine canonical='pc-i440fx-[\d.]+' maxCpus='255'>pc<\/machine>/);
  expect(xml).toContain("<domain type='qemu'/>");
  expect(xml).toMatch(/<secmodel>\n {6}<model>dac<\/model>/);
  expect(xml.endsWith('  </guest>\n\n</capabilities>\n')).toBe(true);
}, 120_000);

test('domain capabilities default to the host arch, its emulator and default machine', async () => {
  const conn = await fixture.open();
  const xml = await conn.getDomainCapabilities({ virtType: 'qemu' });
  expect(await schemaErrors(xml, 'domaincaps')).toBe('');
  expect(xml).toMatch(
    /^<domainCapabilities>\n {2}<path>\/usr\/bin\/qemu-system-x86_64<\/path>\n {2}<domain>qemu<\/domain>\n {2}<machine>pc-i440fx-/,
  );
  expect(xml).toContain("<mode name='host-passthrough' supported='no'/>");
  expect(xml).toContain("<model usable='yes' vendor='unknown'>qemu64</model>");
  const q35 = await conn.getDomainCapabilities({ virtType: 'qemu', machine: 'q35' });
  expect(q35).toMatch(/<machine>pc-q35-[\d.]+<\/machine>\n {2}<arch>x86_64<\/arch>\n {2}<vcpu max='288'\/>/);
  expect(q35).not.toContain('<value>ide</value>');
}, 120_000);

test.each([
  [{ virtType: 'foo' }, 'invalid argument: unknown virttype: foo'],
  [
    { virtType: 'xen' },
    "invalid argument: Emulator '/usr/bin/qemu-system-x86_64' does not support virt type 'xen'",
  ],
  [{ arch: 'foo' }, 'invalid argument: unknown architecture: foo'],
  [
    { arch: 'aarch64' },
    "unsupported configuration: unable to find any emulator to serve 'aarch64' architecture",
  ],
  [
    { machine: 'foo' },
    "invalid argument: the machine 'foo' is not supported by emulator '/usr/bin/qemu-system-x86_64'",
  ],
  [{ emulatorBin: '/usr/bin/foo' }, 'Cannot check QEMU binary /usr/bin/foo: No such file or directory'],
  [
    { emulatorBin: '/usr/bin/qemu-system-i386', arch: 'x86_64' },
    "invalid argument: Emulator '/usr/bin/qemu-system-i386' does not support arch 'x86_64'",
  ],
])(
  'domain capabilities for %o are refused as libvirt refuses them',
  async (options, message) => {
    const conn = await fixture.open();
    await expect(conn.getDomainCapabilities(options)).rejects.toThrow(message);
  },
  120_000,
);

test('a machine alias selects its canonical machine, and i686 its own emulator', async () => {
  const conn = await fixture.open();
  const pc = await conn.getDomainCapabilities({ virtType: 'qemu', machine: 'pc' });
  expect(pc).toMatch(/<machine>pc-i440fx-[\d.]+<\/machine>/);
  const i686 = await conn.getDomainCapabilities({ arch: 'i686', virtType: 'qemu' });
  expect(i686).toMatch(/<path>\/usr\/bin\/qemu-system-(i386|x86_64)<\/path>[\s\S]*<arch>i686<\/arch>/);
}, 120_000);
