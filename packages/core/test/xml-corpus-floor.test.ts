import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { formatDomainXml, parseDomainXml } from '../src/index.js';
import {
  corpusFile,
  countSchemaValid,
  driverCorpusInputs,
  readManifest,
  roundTrip,
} from './xml-corpus-helpers.js';

const floorFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus-floor.json');
const floor = JSON.parse(readFileSync(floorFile, 'utf8')) as Record<string, number>;

function attempt(fn: () => string): string | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function genericCounts(): Record<string, number> {
  const rows = readManifest('generic-xml2xml/MANIFEST.tsv');
  let identical = 0;
  let rejected = 0;
  for (const row of rows) {
    const run = () => roundTrip(corpusFile(`generic-xml2xml/${row.input}`), row.parse_mode ?? 'live');
    if (row.expect === 'success') {
      if (attempt(run) === corpusFile(`generic-xml2xml/${row.expected_output}`)) identical++;
    } else if (row.expect === 'parse-fail' && attempt(run) === undefined) {
      rejected++;
    }
  }
  return { generic_byte_identical: identical, generic_parse_fail_rejected: rejected };
}

function driverCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [corpus, inputs] of Object.entries(driverCorpusInputs())) {
    const outputs = inputs
      .map((input) => attempt(() => formatDomainXml(parseDomainXml(corpusFile(input)), { secure: true })))
      .filter((out): out is string => out !== undefined);
    counts[`${corpus}_parsed`] = outputs.length;
    counts[`${corpus}_schema_valid`] = countSchemaValid(outputs);
  }
  return counts;
}

function inactiveRoundTrip(input: string): string | undefined {
  return attempt(() =>
    formatDomainXml(parseDomainXml(corpusFile(input), { inactive: true }), { inactive: true, secure: true }),
  );
}

/** qemu-xml2xml inactive outputs; qemu's own defaults belong to the qemu driver, so this is informative. */
function qemuXml2xmlCount(): number {
  return readManifest('qemu-xml2xml/MANIFEST.tsv').filter(
    (row) =>
      inactiveRoundTrip(path.normalize(`qemu-xml2xml/${row.input}`)) ===
      corpusFile(`qemu-xml2xml/${row.expected_inactive}`),
  ).length;
}

/** lxc xml2xml round trips (LXC adds no defaults of its own to these). */
function lxcXml2xmlCount(): number {
  return readManifest('lxc/MANIFEST.tsv').filter(
    (row) =>
      row.suite === 'xml2xml' &&
      row.expect === 'success' &&
      inactiveRoundTrip(`lxc/${row.input}`) === corpusFile(`lxc/${row.expected_output}`),
  ).length;
}

/** qemu-xml2argv cases libvirt rejects while parsing: how many core rejects with the same message. */
function qemuParseErrorCount(): number {
  let same = 0;
  for (const row of readManifest('qemu-xml2argv/MANIFEST.tsv')) {
    if (row.expect !== 'parse-error') continue;
    const expected = corpusFile(`qemu-xml2argv/${row.expected_file}`).trimEnd();
    try {
      parseDomainXml(corpusFile(`qemu-xml2argv/qemuxml2argvdata/${row.case}.xml`));
    } catch (error) {
      if ((error as Error).message === expected) same++;
    }
  }
  return same;
}

it('corpus pass counts stay at or above the committed floor', () => {
  const counts: Record<string, number> = {
    ...genericCounts(),
    ...driverCounts(),
    qemu_xml2xml_inactive_identical: qemuXml2xmlCount(),
    lxc_xml2xml_identical: lxcXml2xmlCount(),
    qemu_parse_error_same_message: qemuParseErrorCount(),
  };
  console.log('corpus pass counts:', JSON.stringify(counts, null, 2));
  for (const [key, minimum] of Object.entries(floor)) {
    expect.soft(counts[key] ?? 0, key).toBeGreaterThanOrEqual(minimum);
  }
}, 120_000);
