#!/usr/bin/env node
// codepipeline-local's CLI as built (`npm run build` copies this file to dist/main.js: the package's
// bin, `npm start`): runs the bundle beside it, cli.cjs (the whole CLI entry in one file,
// scripts/bundle.ts), with the V8 code cache the build wrote for it, cli.cjs.cache, so a start does not
// compile again what it runs. The cache is used only when its first 32 bytes are the SHA-256 of this
// very bundle (V8 itself checks only the source's length); V8 rejects it for another Node, V8 or flags,
// and the bundle is then compiled as usual. Nothing here writes: only the build makes the cache, in dist/.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const filename = fileURLToPath(new URL('./cli.cjs', import.meta.url));

/** The bundle compiled, with the cache when it is this bundle's (the buffers read go once this returns). */
function compile() {
  const source = fs.readFileSync(filename, 'utf8');
  let cachedData;
  try {
    const cache = fs.readFileSync(`${filename}.cache`);
    if (cache.length > 32 && createHash('sha256').update(source, 'utf8').digest().equals(cache.subarray(0, 32))) cachedData = cache.subarray(32);
  } catch {
    // No cache: compile.
  }
  return new vm.Script(source, {
    filename,
    cachedData,
    // import() of a file that is not in the bundle (a Lambda function's code), as in any module.
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER ?? ((specifier) => import(specifier)),
  });
}

/** Runs the bundle as Node runs a CommonJS module: its function, called with exports, require, module, file and folder. */
function run(script) {
  // The build's code cache step (scripts/bundleCodeCache.mjs) takes the compiled script from here.
  globalThis[Symbol.for('codepipeline-local.cliScript')]?.(script);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(filename), module, filename, path.dirname(filename));
}

run(compile());
