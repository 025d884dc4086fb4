import { describe, expect, it } from 'vitest';
import { isVirtError } from '../src/index.js';
import { corpusFile, readManifest, roundTrip } from './xml-corpus-helpers.js';

const rows = readManifest('generic-xml2xml/MANIFEST.tsv');

/** libvirt's message for each deliberately broken input. */
const EXPECTED_ERRORS: Record<string, string> = {
  'graphics-listen-back-compat-mismatch':
    "XML error: graphics 'listen' attribute '192.168.123.123' must match 'address' attribute of first listen element (found '1.2.3.4')",
  'graphics-vnc-socket-attr-listen-socket-mismatch':
    "XML error: graphics 'socket' attribute '/tmp/vnc.sock' must match 'socket' attribute of first listen element (found '/tmp/mismatch.sock')",
  'graphics-listen-network-invalid': "XML error: 'network' attribute is required for listen type 'network'",
  'name-slash-fail': "XML error: name foo/bar cannot contain '/'",
  'chardev-tcp-missing-host': 'internal error: Missing source host attribute for char device',
  'chardev-tcp-multiple-source': 'XML error: only one source element is allowed for character device',
  'chardev-udp-missing-connect-service': 'internal error: Missing source service attribute for char device',
  'chardev-udp-multiple-source': 'XML error: only one source element is allowed for character device',
  'chardev-unix-smartcard-missing-path': 'internal error: Missing source path attribute for char device',
  'chardev-unix-redirdev-missing-path': 'internal error: Missing source path attribute for char device',
  'chardev-reconnect-missing-timeout': 'XML error: missing timeout for chardev with reconnect enabled',
  'chardev-reconnect-invalid-mode': 'internal error: chardev reconnect is possible only for connect mode',
  'cachetune-colliding-allocs':
    "XML error: Colliding cache allocations for cache level '3' id '0', type 'code'",
  'cachetune-colliding-tunes': 'XML error: Overlapping vcpus in cachetunes',
  'cachetune-colliding-types':
    "XML error: Colliding cache allocations for cache level '3' id '0', type 'code'",
  'cachetune-colliding-monitor': 'invalid argument: Monitor vcpus conflicts with allocation',
  'memorytune-colliding-allocs': 'XML error: Memory Bandwidth already defined for node 0',
  'memorytune-colliding-cachetune': 'XML error: Overlapping vcpus in memorytunes',
};

describe('generic-xml2xml corpus', () => {
  const successes = rows.filter((r) => r.expect === 'success');
  it.each(successes.map((r) => [r.case, r] as const))(
    '%s formats byte-identical to libvirt',
    (_name, row) => {
      const output = roundTrip(corpusFile(`generic-xml2xml/${row.input}`), row.parse_mode ?? 'live');
      expect(output).toBe(corpusFile(`generic-xml2xml/${row.expected_output}`));
    },
  );

  const failures = rows.filter((r) => r.expect === 'parse-fail');
  it.each(failures.map((r) => [r.case, r] as const))('%s is rejected with libvirt’s message', (name, row) => {
    let caught: unknown;
    try {
      roundTrip(corpusFile(`generic-xml2xml/${row.input}`), row.parse_mode ?? 'live');
    } catch (error) {
      caught = error;
    }
    expect(isVirtError(caught)).toBe(true);
    expect((caught as Error).message).toBe(EXPECTED_ERRORS[name ?? '']);
  });
});
