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

/**
 * Node's flags for every controller (and for the build's run that writes the code cache, which V8
 * rejects under other flags). A controller only relays a console and waits, so V8's lite mode
 * (interpreter only, no optimising compiler) costs its start nothing measurable and saves ~5 MB of
 * RSS per running container (52 → 47 MB here; most of the rest is node's own binary, shared).
 */
export const CONTROLLER_NODE_FLAGS: readonly string[] = ['--lite-mode'];
