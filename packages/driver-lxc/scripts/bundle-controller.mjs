// Bundles the controller (tsc's dist/controller/controller-main.js and everything it imports:
// @virtkit/core, execa, …) into one minified CommonJS file, dist/controller.cjs, and warms a V8
// code cache for it. Every container has its own controller process, so its load time is part
// of every start and its memory is paid once per running container: as ES modules it loaded
// ~150 ms and 65 MB RSS before its first line. dist/controller/controller-entry.cjs runs it; from
// it the build also makes a startup snapshot, dist/controller.blob, that managers start controllers
// from (controllerNodeArgs in src/controller/index.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

// V8 accepts a cache for a same-length source, so a cache (or snapshot) must never outlive its bundle.
for (const file of ['controller.v8cache', 'controller.blob', 'controller.blob.json']) {
  rmSync(`${dist}${file}`, { force: true });
}

const { metafile } = await build({
  entryPoints: [`${dist}controller/controller-main.js`],
  outfile: `${dist}controller.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});

// The entry hands the bundle a `require` for Node's built-in modules only.
const outside = Object.values(metafile.outputs)
  .flatMap((output) => output.imports)
  .filter((entry) => !isBuiltin(entry.path) || entry.kind === 'dynamic-import');
if (outside.length > 0) {
  throw new Error(
    `bundle: cannot load ${outside.map((entry) => `${entry.path} (${entry.kind})`).join(', ')}`,
  );
}

// The controllers' flags: V8 takes a cache only from a run under the same ones.
const { CONTROLLER_NODE_FLAGS, CONTROLLER_SNAPSHOT, snapshotStamp } = await import(
  `${dist}controller/index.js`
);

// A run on an empty live.xml compiles start-up, the sockets and the cleanup without starting a
// container (the definition does not parse); the entry then saves the cache.
const warmup = mkdtempSync(join(tmpdir(), 'virtkit-controller-warmup-'));
try {
  writeFileSync(join(warmup, 'live.xml'), '');
  execFileSync(
    process.execPath,
    [...CONTROLLER_NODE_FLAGS, `${dist}controller/controller-entry.cjs`, warmup],
    {
      env: { ...process.env, VIRTKIT_WRITE_CODE_CACHE: '1' },
      stdio: 'ignore',
    },
  );
} catch (error) {
  console.warn(`bundle: no controller code cache written (${error.message}); start-up will be slower`);
} finally {
  rmSync(warmup, { recursive: true, force: true });
}

// The startup snapshot: the bundle run under --build-snapshot loads and warms up, then Node saves its
// heap (controller-main.ts). Node 20 warns that child_process and tty, which the bundle loads, are
// not verified in snapshots: the bundle only loads them there (no handle is opened before the
// deserialised main runs), and the tests run every container from this snapshot. The blob is not
// byte-reproducible (V8 picks a random hash seed per build) but is always built here, from the bundle.
try {
  execFileSync(
    process.execPath,
    [
      ...CONTROLLER_NODE_FLAGS,
      '--snapshot-blob',
      CONTROLLER_SNAPSHOT,
      '--build-snapshot',
      `${dist}controller.cjs`,
    ],
    { cwd: dist, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  writeFileSync(`${CONTROLLER_SNAPSHOT}.json`, snapshotStamp());
} catch (error) {
  rmSync(CONTROLLER_SNAPSHOT, { force: true });
  console.warn(`bundle: no controller snapshot written (${error.message}); start-up will be slower`);
}
