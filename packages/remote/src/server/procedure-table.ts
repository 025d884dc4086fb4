import type { ClientSession } from './client-session.js';

/**
 * Runs one procedure: decoded args in (undefined for a void one), the value to encode as the
 * reply out (undefined for void). Failures throw; the dispatcher turns them into error replies.
 */
// biome-ignore lint/suspicious/noExplicitAny: each handler types its own args; the table only routes
export type ProcedureHandler = (session: ClientSession, args: any) => Promise<unknown>;

export type ProcedureEntry = readonly [proc: number, handler: ProcedureHandler];

/** Declares a handler with its args and reply types, checked against the generated ones. */
export function procedure<A, R>(
  proc: number,
  handler: (session: ClientSession, args: A) => Promise<R>,
): ProcedureEntry {
  return [proc, handler];
}
