import { readFileSync } from 'node:fs';
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
 * The controller's startup snapshot (scripts/bundle-controller.mjs): Node's heap with the bundle
 * loaded and warmed up, so a controller deserialises it instead of bootstrapping Node and loading
 * the bundle (~13 ms of CPU instead of ~31). Beside it, `.json` names the Node that built it.
 */
export const CONTROLLER_SNAPSHOT = fileURLToPath(new URL('../../dist/controller.blob', import.meta.url));

/**
 * Node's flags for every controller (and for the build's runs that write the code cache and the
 * snapshot, which V8 rejects under other flags). A controller only relays a console and waits, so
 * V8's lite mode (interpreter only, no optimising compiler) costs its start nothing measurable and
 * saves ~5 MB of RSS per running container (52 → 47 MB here; most of the rest is node's own binary,
 * shared).
 */
export const CONTROLLER_NODE_FLAGS: readonly string[] = ['--lite-mode'];

/** What the build records of the Node that made the snapshot: only that Node can load it. */
export function snapshotStamp(): string {
  return JSON.stringify({ node: process.version, v8: process.versions.v8, arch: process.arch });
}

let nodeArgs: readonly string[] | undefined;

/**
 * Node's arguments before CONTROLLER_ENTRY: with the snapshot when this very Node built it (any
 * other exits at once, "built with a different version of V8"), else the entry's code-cache path.
 * The entry stays on the command line either way: it names the process as a controller.
 */
export function controllerNodeArgs(): readonly string[] {
  nodeArgs ??= (() => {
    try {
      if (readFileSync(`${CONTROLLER_SNAPSHOT}.json`, 'utf8') === snapshotStamp()) {
        return [...CONTROLLER_NODE_FLAGS, '--snapshot-blob', CONTROLLER_SNAPSHOT];
      }
    } catch {
      // no snapshot built
    }
    return CONTROLLER_NODE_FLAGS;
  })();
  return nodeArgs;
}
