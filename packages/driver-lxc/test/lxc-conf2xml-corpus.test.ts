import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, formatDomainXml, openConnection, parseDomainXml, VirtError } from '@virtkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driver, lxcDomainXmlFromNative } from '../src/index.js';

const DATA = join(import.meta.dirname, '../../../../shared/libvirt-testdata/lxc');
const UUID = 'c7a5fdbd-edaf-9455-926a-d65c16db1809';

interface Row {
  suite: string;
  name: string;
  expect: string;
  input: string;
  output: string;
}

const rows: Row[] = readFileSync(join(DATA, 'MANIFEST.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter((l) => l.trim() !== '')
  .map((l) => {
    const [suite = '', name = '', expect = '', input = '', output = ''] = l.split('\t');
    return { suite, name, expect, input, output };
  });

const conf = rows.filter((r) => r.suite.startsWith('conf2xml'));
const xml2xml = rows.filter((r) => r.suite === 'xml2xml');

// libvirt's message for lxc.mount / lxc.mount.fstab (lxc_native.c), as virsh prints it.
const FSTAB_ERROR =
  'argument unsupported: lxc.mount.fstab or lxc.mount found, use lxc.mount.entry lines instead';

describe('lxc conf2xml corpus', () => {
  let passed = 0;
  afterAll(() => {
    console.log(`lxc conf2xml: ${passed}/${conf.length}`);
  });
  for (const row of conf) {
    it(`${row.suite} ${row.name}`, () => {
      const config = readFileSync(join(DATA, row.input), 'utf8');
      if (row.expect === 'success') {
        const want = readFileSync(join(DATA, row.output), 'utf8');
        expect(lxcDomainXmlFromNative(config, { uuid: UUID })).toBe(want);
      } else {
        let err: unknown;
        try {
          lxcDomainXmlFromNative(config, { uuid: UUID });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(VirtError);
        expect((err as Error).message).toBe(FSTAB_ERROR);
      }
      passed++;
    });
  }
});

describe('lxc xml2xml round trip through core', () => {
  for (const row of xml2xml) {
    it(row.name, () => {
      const input = readFileSync(join(DATA, row.input), 'utf8');
      const want = readFileSync(join(DATA, row.output), 'utf8');
      expect(formatDomainXml(parseDomainXml(input))).toBe(want);
    });
  }
});

describe('lxc xml2xml round trip through the LXC driver (define, dumpxml --inactive)', () => {
  let root: string;
  let conn: Connection;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vkl-xml2xml-'));
    conn = await openConnection(`lxc:///embed?root=${root}`, { drivers: [driver], env: process.env });
  });
  afterAll(async () => {
    await conn.close();
    await rm(root, { recursive: true, force: true });
  });
  for (const row of xml2xml) {
    it(row.name, async () => {
      const input = readFileSync(join(DATA, row.input), 'utf8');
      const dom = await conn.defineXml(input);
      try {
        expect(await dom.getXmlDesc({ inactive: true })).toBe(readFileSync(join(DATA, row.output), 'utf8'));
      } finally {
        await dom.undefine();
      }
    });
  }
});

function virsh(file: string): string | undefined {
  try {
    return execFileSync('virsh', ['-c', 'lxc:///system', 'domxml-from-native', 'lxc-tools', file], {
      encoding: 'utf8',
      timeout: 20_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch {
    return undefined;
  }
}

const haveVirsh =
  existsSync('/usr/bin/virsh') &&
  virsh(join(DATA, 'lxcconf2xmldata/lxcconf2xml-simple.config')) !== undefined;

describe.skipIf(!haveVirsh)('side by side with virsh -c lxc:///system domxml-from-native', () => {
  for (const name of ['simple-v3', 'miscnetwork', 'blkiotune']) {
    it(name, () => {
      const file = join(DATA, `lxcconf2xmldata/lxcconf2xml-${name}.config`);
      const theirs = (virsh(file) ?? '').replace(/<uuid>[^<]*<\/uuid>/, `<uuid>${UUID}</uuid>`).trimEnd();
      const emulator = /<emulator>([^<]*)<\/emulator>/.exec(theirs)?.[1];
      const ours = lxcDomainXmlFromNative(readFileSync(file, 'utf8'), {
        uuid: UUID,
        ...(emulator ? { emulator } : {}),
      }).trimEnd();
      expect(ours).toBe(theirs);
    });
  }
});
