import { fileURLToPath } from 'node:url';

export * from './protocol.js';

/**
 * The controller program, built (the bundle and its loader): from src/controller (tests) and
 * dist/controller alike it is the package's dist/controller/controller-entry.cjs, so a build must
 * precede starting containers.
 */
export const CONTROLLER_ENTRY = fileURLToPath(
  new URL('../../dist/controller/controller-entry.cjs', import.meta.url),
);
