import { fileURLToPath } from 'node:url';

export * from './protocol.js';

/**
 * The controller program, compiled: from src/controller (tests) and dist/controller alike it is
 * the package's dist/controller/controller-main.js, so a build must precede starting containers.
 */
export const CONTROLLER_ENTRY = fileURLToPath(
  new URL('../../dist/controller/controller-main.js', import.meta.url),
);
