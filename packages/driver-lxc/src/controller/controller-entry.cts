/**
 * The controller's executable: `node controller-entry.cjs <runDir>` or `… --spare <runParent>`
 * (controller-main.ts). It runs dist/controller.cjs, the bundle scripts/bundle-controller.mjs
 * writes, with the V8 code cache the build leaves beside it (a rejected or missing cache only
 * costs compile time). CommonJS, so that start-up never initialises Node's ESM loader. Managers
 * start controllers from the build's startup snapshot instead when they can (controllerNodeArgs):
 * then this file is only named on the command line, never read.
 */
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');

const bundle = path.join(__dirname, '../controller.cjs');
const cache = path.join(__dirname, '../controller.v8cache');

function readCache(): Buffer | undefined {
  try {
    return fs.readFileSync(cache);
  } catch {
    return undefined;
  }
}

const wrapper = `(function (exports, require, module) {${fs.readFileSync(bundle, 'utf8')}\n})`;
const script = new vm.Script(wrapper, { filename: bundle, cachedData: readCache() });
// The build's warm-up run: what start-up compiled goes into the cache.
if (process.env.VIRTKIT_WRITE_CODE_CACHE) {
  process.once('exit', () => fs.writeFileSync(cache, script.createCachedData()));
}
const bundled = { exports: {} };
script.runInThisContext()(bundled.exports, require, bundled);
