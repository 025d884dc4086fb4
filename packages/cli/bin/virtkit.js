#!/usr/bin/env node
// Runs virtkit from dist/virtkit.cjs, the bundle scripts/bundle.mjs writes, compiled with the
// V8 code cache the build leaves beside it (rejected, or missing, it only costs compile time).
// CommonJS (bin/package.json), so that start-up never initialises Node's ESM loader; stdin is
// only touched by the interactive shell.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, '../dist/virtkit.cjs');
const cache = join(__dirname, '../dist/virtkit.v8cache');

function readCache() {
  try {
    return readFileSync(cache);
  } catch {
    return undefined;
  }
}

function readBundle() {
  try {
    return readFileSync(bundle, 'utf8');
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    process.stderr.write(`virtkit is not built (${bundle} is missing): run pnpm build\n`);
    process.exit(1);
  }
}

// Node's CommonJS wrapper, plus the importer for driver packages found at run time (bundle.mjs);
// the bundle requires built-in modules only (bundle.mjs checks).
const wrapper = `(function (exports, require, module, __virtkitImport) {${readBundle()}\n})`;
const script = new Script(wrapper, { filename: bundle, cachedData: readCache() });
const bundled = { exports: {} };
script.runInThisContext()(bundled.exports, require, bundled, (specifier) => import(specifier));

// The build's warm-up run: everything the command compiled goes into the cache.
if (process.env.VIRTKIT_WRITE_CODE_CACHE)
  process.once('exit', () => writeFileSync(cache, script.createCachedData()));

// A reader that stops early (`virtkit list | head -1`) is not an error worth a stack trace.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
});

bundled.exports
  .runVirtkit(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  })
  .then((code) => {
    process.exitCode = code;
  });
