import type { ErrorCode } from '../errors/index.js';
import type { Harness } from './conformance-harness.js';
import { expectVirtError } from './expect-virt-error.js';

/**
 * Requests on which libvirt's drivers differ: whether they refuse them, and with which
 * error. A driver states its own answers in `refusals`; the rest default to the QEMU
 * driver's, libvirt's most used.
 */
export const REFUSAL_CASES = [
  'start-active',
  'start-paused',
  'suspend-paused',
  'resume-running',
  'suspend-inactive',
  'resume-inactive',
  'shutdown-inactive',
  'reboot-inactive',
  'destroy-inactive',
  'undefine-transient',
] as const;

export type RefusalCase = (typeof REFUSAL_CASES)[number];

/** The driver does the request (`accepted`), or refuses it with `code` and the message for the domain. */
export type RefusalExpectation = 'accepted' | { code: ErrorCode; message: (domainName: string) => string };

const invalid = (detail: string): RefusalExpectation => ({
  code: 'OPERATION_INVALID',
  message: () => `Requested operation is not valid: ${detail}`,
});

export const DEFAULT_REFUSALS: Readonly<Record<RefusalCase, RefusalExpectation>> = {
  'start-active': invalid('domain is already running'),
  'start-paused': 'accepted',
  'suspend-paused': 'accepted',
  'resume-running': invalid('domain is already running'),
  'suspend-inactive': invalid('domain is not running'),
  'resume-inactive': invalid('domain is not running'),
  'shutdown-inactive': invalid('domain is not running'),
  'reboot-inactive': invalid('domain is not running'),
  'destroy-inactive': invalid('domain is not running'),
  'undefine-transient': invalid('cannot undefine transient domain'),
};

/**
 * Runs `action` as the driver's answer for `refusal` says: awaits it when the driver accepts
 * it, otherwise asserts the refusal. Tells which, so a check goes on only after acceptance.
 */
export async function expectAnswer(
  h: Harness,
  refusal: RefusalCase,
  domainName: string,
  action: () => Promise<unknown>,
): Promise<'accepted' | 'refused'> {
  const expected = h.options.refusals?.[refusal] ?? DEFAULT_REFUSALS[refusal];
  if (expected === 'accepted') {
    await action();
    return 'accepted';
  }
  await expectVirtError(action(), expected.code, expected.message(domainName));
  return 'refused';
}
