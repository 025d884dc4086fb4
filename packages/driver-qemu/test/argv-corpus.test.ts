import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDomainXml } from '@virtkit/core';
import { expect, test } from 'vitest';
import {
  type ArgvHostContext,
  buildQemuArgv,
  DEFAULT_HOST_CONTEXT,
  formatArgsFile,
  type QemuDriverConfig,
} from '../src/argv/index.js';
import { parseQemuCapsXml, type QemuCaps } from '../src/caps/index.js';
import { postParseForQemu } from '../src/define/index.js';
import { loadFirmwareDescriptors } from './firmware-descriptors.js';

const CORPUS = '/work/shared/libvirt-testdata/qemu-xml2argv';
const FLOOR_FILE = join(import.meta.dirname, 'argv-corpus-floor.json');

interface Floor {
  argsExact: number;
  errorsRejected: number;
  errorMessagesExact: number;
}

const rows = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [name = '', expect = '', expected = '', capsFile = '', extraArgs = '-', harnessState = '-'] =
      line.split('\t');
    return { name, expect, expected, capsFile, extraArgs, harnessState };
  });

const capsCache = new Map<string, QemuCaps>();
function capsFor(file: string): QemuCaps {
  let caps = capsCache.get(file);
  if (!caps) {
    caps = parseQemuCapsXml(readFileSync(join(CORPUS, 'qemucapabilitiesdata', file), 'utf8'));
    capsCache.set(file, caps);
  }
  return caps;
}

/** qemu.conf switches of the upstream harness (`config.spiceTLS=1;…`) that virtkit models. */
const CONFIG_KEYS: Record<string, keyof QemuDriverConfig> = {
  spiceTLS: 'spiceTls',
  spiceSASL: 'spiceSasl',
  spiceAutoUnixSocket: 'spiceAutoUnixSocket',
  vncAutoUnixSocket: 'vncAutoUnixSocket',
  vncTLS: 'vncTls',
  vncTLSx509verify: 'vncTlsX509Verify',
  vncSASL: 'vncSasl',
};

const firmware = loadFirmwareDescriptors();

/** The mocked swtpm of the upstream harness supports both TPM versions unless TEST_TPM_ENV_VAR picks one. */
const SWTPM_MOCK: Record<string, string[]> = {
  '-': ['1.2', '2.0'],
  TPM_VER_1_2: ['1.2'],
  TPM_VER_2_0: ['2.0'],
};

function hostFor(harnessState: string): ArgvHostContext {
  const config = { ...DEFAULT_HOST_CONTEXT.config };
  for (const setting of harnessState.split(';')) {
    const [, key = '', value] = /^config\.(\w+)=(.*)$/.exec(setting) ?? [];
    const field = CONFIG_KEYS[key];
    if (field) Object.assign(config, { [field]: value === '1' || value === 'true' });
  }
  const tpmMock = /env\.TEST_TPM_ENV_VAR=(\w+)/.exec(harnessState)?.[1] ?? '-';
  return { ...DEFAULT_HOST_CONTEXT, config, firmware, swtpmVersions: SWTPM_MOCK[tpmMock] ?? [] };
}

function buildArgsFile(row: (typeof rows)[number]): string {
  const def = parseDomainXml(readFileSync(join(CORPUS, 'qemuxml2argvdata', `${row.name}.xml`), 'utf8'));
  const caps = capsFor(row.capsFile);
  const host = hostFor(row.harnessState);
  // The harness parses such a case as a define would: the QEMU post-parse runs with ABI_UPDATE.
  if (row.extraArgs.includes('VIR_DOMAIN_DEF_PARSE_ABI_UPDATE')) {
    postParseForQemu(def, caps, { abiUpdate: true, firmware: host.firmware });
  }
  return formatArgsFile(buildQemuArgv(def, caps, host));
}

/** First differing line, or the error, for ARGV_CORPUS_REPORT=<file> (a to-do list, not an assertion). */
function mismatch(row: (typeof rows)[number], want: string): string {
  try {
    const got = buildArgsFile(row).split('\n');
    const lines = want.split('\n');
    const at = lines.findIndex((line, i) => line !== got[i]);
    return `${row.name}\n  want ${lines[at]}\n  got  ${got[at]}`;
  } catch (err) {
    return `${row.name}\n  error ${(err as Error).message}`;
  }
}

/** The error building a case raises, or undefined when it builds. */
function failure(row: (typeof rows)[number]): Error | undefined {
  try {
    buildArgsFile(row);
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

test('libvirt 9.6 xml2argv corpus (x86_64-latest) does not regress below its floor', () => {
  const argsRows = rows.filter((r) => r.expect === 'args');
  const errorRows = rows.filter((r) => r.expect === 'parse-error' || r.expect === 'failure');
  const exact = argsRows.filter((r) => {
    const want = readFileSync(join(CORPUS, r.expected), 'utf8');
    try {
      return buildArgsFile(r) === want;
    } catch {
      return false;
    }
  });
  const errors = errorRows.map((r) => ({
    r,
    err: failure(r),
    want: readFileSync(join(CORPUS, r.expected), 'utf8'),
  }));
  const rejected = errors.filter(({ err }) => err !== undefined);
  const sameText = rejected.filter(({ err, want }) => `${err?.message}\n` === want);
  if (process.env.ARGV_CORPUS_REPORT) {
    const misses = argsRows.filter((r) => !exact.includes(r));
    const report = misses.map((r) => mismatch(r, readFileSync(join(CORPUS, r.expected), 'utf8')));
    const wrongErrors = errors
      .filter((e) => !sameText.includes(e))
      .map(
        ({ r, err, want }) =>
          `${r.name} (${r.expect})\n  want ${want.trimEnd()}\n  got  ${err?.message ?? 'no error'}`,
      );
    writeFileSync(process.env.ARGV_CORPUS_REPORT, `${[...report, ...wrongErrors].join('\n')}\n`);
  }
  const counts: Floor = {
    argsExact: exact.length,
    errorsRejected: rejected.length,
    errorMessagesExact: sameText.length,
  };
  console.log(
    `args exact ${counts.argsExact}/${argsRows.length}, errors rejected ${counts.errorsRejected}/${errorRows.length}` +
      ` (message exact ${counts.errorMessagesExact})`,
  );

  const floor = JSON.parse(readFileSync(FLOOR_FILE, 'utf8')) as Floor;
  if (process.env.UPDATE_FLOOR) writeFileSync(FLOOR_FILE, `${JSON.stringify(counts, null, 2)}\n`);
  expect(counts.argsExact).toBeGreaterThanOrEqual(floor.argsExact);
  expect(counts.errorsRejected).toBeGreaterThanOrEqual(floor.errorsRejected);
  expect(counts.errorMessagesExact).toBeGreaterThanOrEqual(floor.errorMessagesExact);
});
