import { type DomainState, VirtError } from '@virtkit/core';
import type { TestDomain } from './test-domain.js';

/** libvirt's flag bits for the options a test-driver API may be given. */
const FLAG_BITS = {
  start: {
    paused: 0x1,
    autodestroy: 0x2,
    bypassCache: 0x4,
    forceBoot: 0x8,
    validate: 0x10,
    resetNvram: 0x20,
  },
  shutdownModes: { acpi: 0x1, agent: 0x2, initctl: 0x4, signal: 0x8, paravirt: 0x10 },
  undefine: {
    managedSave: 0x1,
    snapshotsMetadata: 0x2,
    nvram: 0x4,
    keepNvram: 0x8,
    checkpointsMetadata: 0x10,
    tpm: 0x20,
    keepTpm: 0x40,
  },
} as const;

type FlagSet = keyof typeof FLAG_BITS;

/**
 * virCheckFlags: the options `fn` does not accept, as libvirt's INVALID_ARG
 * "unsupported flags (0x…) in function …". `given` are the options set.
 */
export function checkFlags<S extends FlagSet>(
  fn: string,
  set: S,
  given: Iterable<string>,
  accepted: readonly (keyof (typeof FLAG_BITS)[S])[] = [],
): void {
  const bits = FLAG_BITS[set] as Record<string, number>;
  let unsupported = 0;
  for (const name of given) {
    if (!(accepted as readonly string[]).includes(name)) unsupported |= bits[name] ?? 0;
  }
  if (unsupported !== 0) {
    throw new VirtError(
      'INVALID_ARG',
      `unsupported flags (0x${unsupported.toString(16)}) in function ${fn}`,
      // virCheckFlags raises its text without INVALID_ARG's "invalid argument:" prefix
      { domain: 'TEST', verbatim: true },
    );
  }
}

/** The names of the options that are set in an options object. */
export function setOptions(options: object): string[] {
  return Object.entries(options)
    .filter(([, value]) => value === true)
    .map(([name]) => name);
}

/** A state check of libvirt's test driver: the states it refuses, or the only ones it accepts. */
type StateRule =
  | { refuses: readonly DomainState[]; detail: (name: string) => string }
  | { accepts: readonly DomainState[]; detail: (name: string) => string };

/**
 * Requests libvirt's test driver refuses itself, with its own texts (INTERNAL_ERROR), before
 * the lifecycle policy is asked: its suspend, resume, shutdown and start look only at the state.
 */
const TEST_DRIVER_REFUSALS = {
  suspend: { refuses: ['shutoff', 'paused'], detail: (name) => `domain '${name}' not running` },
  resume: { accepts: ['paused'], detail: (name) => `domain '${name}' not paused` },
  shutdown: { refuses: ['shutoff'], detail: (name) => `domain '${name}' not running` },
  start: { accepts: ['shutoff'], detail: (name) => `Domain '${name}' is already running` },
} satisfies Record<string, StateRule>;

export type RefusingRequest = keyof typeof TEST_DRIVER_REFUSALS;

export function refuseAsTestDriver(request: RefusingRequest, domain: TestDomain): void {
  const rule: StateRule = TEST_DRIVER_REFUSALS[request];
  const { state } = domain.state;
  const refused = 'refuses' in rule ? rule.refuses.includes(state) : !rule.accepts.includes(state);
  if (refused) throw new VirtError('INTERNAL_ERROR', rule.detail(domain.name), { domain: 'TEST' });
}
