// Bundles the controller (tsc's dist/controller/controller-main.js and everything it imports:
// @virtkit/core, execa, …) into one minified CommonJS file, dist/controller.cjs, and warms a V8
// code cache for it. Every container has its own controller process, so its load time is part
// of every start and its memory is paid once per running container: as ES modules it loaded
// ~150 ms and 65 MB RSS before its first line. dist/controller/controller-entry.cjs runs it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

// V8 accepts a cache for a same-length source, so a cache must never outlive its bundle.
rmSync(`${dist}controller.v8cache`, { force: true });

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
const { CONTROLLER_NODE_FLAGS } = await import(`${dist}controller/index.js`);

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
