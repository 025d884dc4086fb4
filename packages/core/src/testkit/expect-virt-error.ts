import { expect } from 'vitest';
import { apiName, type Connection, type DriverOperation } from '../driver/index.js';
import type { ErrorCode } from '../errors/index.js';

/**
 * Asserts that `action` fails with a VirtError of `code` and exactly `message`.
 * Matched by shape rather than class, so a driver built against another copy of core passes.
 */
export async function expectVirtError(
  action: Promise<unknown>,
  code: ErrorCode,
  message: string,
): Promise<void> {
  await expect(action).rejects.toMatchObject({ name: 'VirtError', code, message });
}

/** Asserts that calling `operation` answers NO_SUPPORT naming its libvirt API. */
export function expectNoSupport(conn: Connection, operation: DriverOperation): Promise<void> {
  // The arguments do not matter: NO_SUPPORT is decided before the driver would see them.
  const call = conn.invoke as (this: Connection, op: DriverOperation) => Promise<unknown>;
  return expectVirtError(
    call.call(conn, operation),
    'NO_SUPPORT',
    `this function is not supported by the connection driver: ${apiName(operation, [])}`,
  );
}

/** Asserts that no domain called `name` exists. */
export function expectNoDomainNamed(conn: Connection, name: string): Promise<void> {
  return expectVirtError(
    conn.lookupDomainByName(name),
    'NO_DOMAIN',
    `Domain not found: no domain with matching name '${name}'`,
  );
}
