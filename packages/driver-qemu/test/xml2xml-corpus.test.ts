import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DomainXmlFlags, formatDomainXml, parseDomainXml } from '@virtkit/core';
import { expect, test } from 'vitest';
import { parseQemuCapsXml, type QemuCaps } from '../src/caps/index.js';
import { postParseForQemu } from '../src/define/index.js';
import { loadFirmwareDescriptors } from './firmware-descriptors.js';

const CORPUS = '/work/shared/libvirt-testdata/qemu-xml2xml';
const CAPS_DIR = '/work/shared/libvirt-testdata/qemu-xml2argv/qemucapabilitiesdata';
const FLOOR_FILE = join(import.meta.dirname, 'xml2xml-corpus-floor.json');

interface Floor {
  identical: number;
}

const rows = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [name = '', input = '', inactive = '', active = '', capsFile = ''] = line.split('\t');
    return { name, input, inactive, active, capsFile };
  });

const firmware = loadFirmwareDescriptors();

const capsCache = new Map<string, QemuCaps>();
function capsFor(file: string): QemuCaps {
  let caps = capsCache.get(file);
  if (!caps) {
    caps = parseQemuCapsXml(readFileSync(join(CAPS_DIR, file), 'utf8'));
    capsCache.set(file, caps);
  }
  return caps;
}

/** The two runs of libvirt's qemuxml2xmltest, both formatted SECURE: inactive, and live. */
const RUNS: { key: 'inactive' | 'active'; flags: DomainXmlFlags }[] = [
  { key: 'inactive', flags: { inactive: true, secure: true } },
  { key: 'active', flags: { inactive: false, secure: true } },
];

function formatRun(row: (typeof rows)[number], flags: DomainXmlFlags): string {
  const xml = readFileSync(join(CORPUS, row.input), 'utf8');
  const def = postParseForQemu(parseDomainXml(xml, flags), capsFor(row.capsFile), { firmware });
  return formatDomainXml(def, flags);
}

/** The first difference of a case, or undefined when both runs match. */
function firstDifference(row: (typeof rows)[number]): string | undefined {
  for (const { key, flags } of RUNS) {
    const want = readFileSync(join(CORPUS, row[key]), 'utf8');
    let got: string[];
    try {
      got = formatRun(row, flags).split('\n');
    } catch (err) {
      return `${row.name} (${key})\n  error ${(err as Error).message}`;
    }
    const lines = want.split('\n');
    const at = lines.findIndex((line, i) => line !== got[i]);
    if (at >= 0 || got.length !== lines.length) {
      return `${row.name} (${key}) line ${at + 1}\n  want ${lines[at]}\n  got  ${got[at]}`;
    }
  }
  return undefined;
}

test('libvirt 9.6 qemu xml2xml corpus (x86_64-latest) does not regress below its floor', () => {
  const differences = rows.map(firstDifference);
  const identical = differences.filter((d) => d === undefined).length;
  if (process.env.XML2XML_CORPUS_REPORT) {
    const report = differences.filter((d) => d !== undefined);
    writeFileSync(process.env.XML2XML_CORPUS_REPORT, `${report.join('\n')}\n`);
  }
  console.log(`qemu-xml2xml: ${identical}/${rows.length} identical`);

  const floor = JSON.parse(readFileSync(FLOOR_FILE, 'utf8')) as Floor;
  if (process.env.UPDATE_FLOOR) writeFileSync(FLOOR_FILE, `${JSON.stringify({ identical }, null, 2)}\n`);
  expect(identical).toBeGreaterThanOrEqual(floor.identical);
});
