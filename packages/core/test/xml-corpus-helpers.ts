import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDomainXml, parseDomainXml } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root is two levels above packages/core/test; the corpus is its sibling. */
const repoRoot = path.resolve(here, '../../..');
export const CORPUS = path.resolve(repoRoot, '../shared/libvirt-testdata');

export type ManifestRow = Record<string, string>;

/** Reads one of the corpus MANIFEST.tsv files as rows keyed by column name. */
export function readManifest(relative: string): ManifestRow[] {
  const [header, ...lines] = readFileSync(path.join(CORPUS, relative), 'utf8').trimEnd().split('\n');
  const columns = (header ?? '').split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

export function corpusFile(relative: string): string {
  return readFileSync(path.join(CORPUS, relative), 'utf8');
}

/** Generic corpus modes: live = parse as live, format SECURE; inactive = both INACTIVE. */
export function roundTrip(xml: string, mode: string): string {
  const inactive = mode === 'inactive';
  const def = parseDomainXml(xml, { inactive, defaultArch: 'x86_64' });
  return formatDomainXml(def, { inactive, secure: !inactive });
}

/** Corpus inputs (paths relative to the corpus root) libvirt parses successfully, per driver corpus. */
export function driverCorpusInputs(): Record<'qemu' | 'lxc' | 'xen', string[]> {
  const qemu = new Set<string>();
  for (const row of readManifest('qemu-xml2argv/MANIFEST.tsv')) {
    if (row.expect === 'args' || row.expect === 'failure')
      qemu.add(`qemu-xml2argv/qemuxml2argvdata/${row.case}.xml`);
  }
  for (const row of readManifest('qemu-xml2xml/MANIFEST.tsv'))
    qemu.add(path.normalize(`qemu-xml2xml/${row.input}`));
  const lxc = readManifest('lxc/MANIFEST.tsv')
    .filter((row) => row.expect === 'success' && row.suite === 'xml2xml')
    .map((row) => `lxc/${row.input}`);
  const xen = readdirSync(path.join(CORPUS, 'xen-xl/xlconfigdata'))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => `xen-xl/xlconfigdata/${f}`);
  return { qemu: [...qemu], lxc, xen };
}

/**
 * Validates documents against schemas/domain.rng with one xmllint run; returns how many validate.
 * The documents are written to a temporary directory that is removed afterwards.
 */
export function countSchemaValid(documents: string[]): number {
  if (documents.length === 0) return 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'virtkit-xml-'));
  try {
    const files = documents.map((doc, i) => {
      const file = path.join(dir, `${i}.xml`);
      writeFileSync(file, doc);
      return file;
    });
    let report: string;
    try {
      execFileSync('xmllint', ['--noout', '--relaxng', path.join(CORPUS, 'schemas/domain.rng'), ...files], {
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      });
      return documents.length;
    } catch (error) {
      report = String((error as { stderr?: Buffer }).stderr ?? '');
    }
    return report.split('\n').filter((line) => line.endsWith(' validates')).length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
