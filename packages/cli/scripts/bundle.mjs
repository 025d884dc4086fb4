// Bundles tsc's output (dist/index.js, with core and the bundled drivers) into one minified
// CommonJS file, dist/virtkit.cjs, which bin/virtkit.js runs, then warms a V8 code cache for
// it. Cold start-up is what a user waits for on every command, and measured on test:///default:
// one file loaded synchronously avoids the ESM loader's per-module round trips, and the code
// cache (Node 20 has no module.enableCompileCache) skips most compiling. Drivers stay lazy:
// esbuild turns `import('@virtkit/driver-test')` into code that only runs when the URI asks
// for it, and driver packages that are not bundled are still imported by name.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const bin = fileURLToPath(new URL('../bin/virtkit.js', import.meta.url));

/**
 * Code compiled through node:vm cannot `import()` by itself in Node 20, so a run-time import
 * (a driver package named by a variable, or a `node:` module) calls the importer
 * bin/virtkit.js hands the bundle. Other literal imports are left to esbuild, which bundles them.
 */
const runtimeImports = {
  name: 'runtime-imports',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replace(
        /\bimport\((?=\s*(?:[^\s'"]|['"]node:))/g,
        '__virtkitImport(',
      ),
      loader: 'js',
    }));
  },
};

// V8 accepts a cache for a same-length source, so a cache must never outlive its bundle.
rmSync(`${dist}virtkit.v8cache`, { force: true });

const { metafile } = await build({
  entryPoints: [`${dist}index.js`],
  outfile: `${dist}virtkit.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [runtimeImports],
  metafile: true,
  // src/daemon-command.ts reads import.meta.url only when it runs as ESM, never in this bundle.
  logOverride: { 'empty-import-meta': 'silent' },
});

// bin/virtkit.js hands the bundle a `require` for Node's built-in modules only, and no import().
const outside = Object.values(metafile.outputs)
  .flatMap((output) => output.imports)
  .filter((entry) => !isBuiltin(entry.path) || entry.kind === 'dynamic-import');
if (outside.length > 0) {
  throw new Error(
    `bundle: cannot load ${outside.map((entry) => `${entry.path} (${entry.kind})`).join(', ')}`,
  );
}

// One representative run compiles what a command needs; bin/virtkit.js then saves the cache.
try {
  execFileSync(process.execPath, [bin, '-c', 'test:///default', 'list', '--all'], {
    env: { ...process.env, VIRTKIT_WRITE_CODE_CACHE: '1' },
    stdio: 'ignore',
  });
} catch (error) {
  console.warn(`bundle: no code cache written (virtkit failed: ${error.message}); start-up will be slower`);
}
