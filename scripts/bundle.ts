// `npm run build`'s second step, after tsc (npx tsx scripts/bundle.ts [OUTDIR], default dist/):
// the CLI entry as one CommonJS file, so that a start reads and compiles one file instead of loading
// some 120 modules, and with a V8 code cache, so that it compiles little of it at all.
//   OUTDIR/cli.cjs        src/main.ts and everything it imports, packages included (better-sqlite3,
//                         a native addon, stays a package). What loads on first use (import()) stays
//                         lazy: esbuild turns each such module into a function run on its first import.
//   OUTDIR/zipWorker.cjs  the zip worker threads' entry (src/util/zipWorker.ts), which zipWorkers.ts
//                         finds beside the bundle.
//   OUTDIR/main.js        scripts/bundleLauncher.mjs: runs cli.cjs with its code cache.
//   OUTDIR/cli.cjs.cache  V8's code cache of cli.cjs after a start and one answer (scripts/bundleCodeCache.mjs).
// In the bundle, import.meta.url is the bundle's own URL: the modules that find files from their own
// place (packageRoot.ts, zipWorkers.ts, createRequire) are written for it. OUTDIR must sit one level
// below the package root. tsc's output (dist/index.js, the library entry) is left as it is.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';

const ROOT = path.resolve(fileURLToPath(import.meta.url), '..', '..');
const outdir = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist'));
const MAIN = path.join(ROOT, 'src', 'main.ts');

/**
 * A CommonJS file cannot await at its top level, and src/main.ts does: its statements after the
 * imports run in an async function instead. The imports stay at the top (ESM hoists them anyway).
 */
const mainWithoutTopLevelAwait: Plugin = {
  name: 'main-without-top-level-await',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]main\.ts$/ }, (args) => {
      const lines = fs.readFileSync(args.path, 'utf8').split('\n');
      let i = 0;
      // The shebang, comments, blank lines and import statements (one or more lines each, ending with ';').
      while (i < lines.length) {
        const line = lines[i];
        if (line.startsWith('#!') || line.startsWith('//') || line.trim() === '') i++;
        else if (line.startsWith('import ')) {
          while (!lines[i].trimEnd().endsWith(';')) i++;
          i++;
        } else break;
      }
      const rest = lines.slice(i);
      const late = rest.findIndex((l) => /^(import|export)\s/.test(l));
      if (late >= 0) throw new Error(`src/main.ts:${i + late + 1}: imports and exports go at the top of the entry (the bundle runs what follows them in a function)`);
      // The shebang goes (the launcher has its own): the bundle's first line is its wrapper function.
      const head = lines.slice(0, i).map((l) => (l.startsWith('#!') ? '' : l));
      return { contents: [...head, 'void (async () => {', ...rest, '})();'].join('\n'), loader: 'ts' };
    });
  },
};

/**
 * The services' JSON models are read at run time, from beside the bundle at their place under src/
 * (where tsc puts them too): as JSON.parse input they cost less to load than as JavaScript, and none of
 * them sits in the bundle's source, which V8 keeps in memory whole. The lazily loaded services' models
 * (SSM, CloudFormation, CodeBuild...) are read only when the service is first called.
 */
const modelsBeside: Plugin = {
  name: 'models-beside',
  setup(b) {
    b.onResolve({ filter: /\.json$/ }, (args) => {
      const file = path.resolve(args.resolveDir, args.path);
      const rel = path.relative(path.join(ROOT, 'src'), file);
      if (rel.startsWith('..')) return undefined;
      fs.mkdirSync(path.dirname(path.join(outdir, rel)), { recursive: true });
      fs.copyFileSync(file, path.join(outdir, rel));
      return { path: `./${rel.split(path.sep).join('/')}`, external: true };
    });
  },
};

/**
 * Node's own modules through one small ES module each: `import fs from 'node:fs'` in a CommonJS bundle
 * otherwise makes a copy of the module (a getter defined for each of its exports) in every one of the
 * ~60 modules that import it that way, some 7 ms of a start. Here each is copied once.
 */
const nodeModules: Plugin = {
  name: 'node-modules',
  setup(b) {
    const builtins = new Set(builtinModules);
    b.onResolve({ filter: /^(node:)?[a-z_/\d]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      // Only ES imports: a CommonJS package's require('events') must get the module itself, as it does now.
      return builtins.has(name) && args.kind === 'import-statement' && args.namespace !== 'node-module' ? { path: name, namespace: 'node-module' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'node-module' }, (args) => {
      const id = JSON.stringify(`node:${args.path}`);
      return { contents: `export default require(${id});\nexport * from ${id};\n`, loader: 'js', resolveDir: ROOT };
    });
  },
};

/** The banner line that gives every module of a bundle its import.meta.url: the bundle file's own (see `define`). */
const BUNDLE_URL = "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;";

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['better-sqlite3'],
  plugins: [nodeModules],
  // Smaller to read and keep in memory; names stay, so stack traces still read.
  minifyWhitespace: true,
  minifySyntax: true,
  // Each module's import.meta.url is the bundle file's (set by the banner).
  define: { 'import.meta.url': '__bundleUrl', 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
  logLevel: 'warning',
};

fs.mkdirSync(outdir, { recursive: true });
for (const f of ['cli.cjs', 'cli.cjs.cache', 'zipWorker.cjs']) fs.rmSync(path.join(outdir, f), { force: true });

// The CLI: one function (the launcher calls it as Node calls a CommonJS module), so that V8 compiles
// the file as it is read, without a wrapped copy of its source.
const cli = await build({
  ...common,
  metafile: true,
  entryPoints: [MAIN],
  outfile: path.join(outdir, 'cli.cjs'),
  plugins: [mainWithoutTopLevelAwait, modelsBeside, nodeModules],
  banner: { js: `(function (exports, require, module, __filename, __dirname) {'use strict';${BUNDLE_URL}` },
  footer: { js: '\n})' },
});

if (process.env.BUNDLE_METAFILE) fs.writeFileSync(process.env.BUNDLE_METAFILE, JSON.stringify(cli.metafile));

// The zip worker: a plain CommonJS file run by new Worker(URL).
await build({
  ...common,
  entryPoints: [path.join(ROOT, 'src', 'util', 'zipWorker.ts')],
  outfile: path.join(outdir, 'zipWorker.cjs'),
  banner: { js: `'use strict';${BUNDLE_URL}` },
});

fs.copyFileSync(path.join(ROOT, 'scripts', 'bundleLauncher.mjs'), path.join(outdir, 'main.js'));
fs.chmodSync(path.join(outdir, 'main.js'), 0o755);

// The code cache, made by a start of the launcher itself (same Node, same flags as `node dist/main.js`),
// in a scratch folder (a codepipeline-local.yml of the current folder is no concern of the build's).
const scratch = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'cpl-bundle-'));
try {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CODEPIPELINE_LOCAL_') && k !== 'NODE_OPTIONS'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'bundleCodeCache.mjs'), outdir], { cwd: scratch, env, encoding: 'utf8', timeout: 60_000 });
  // Without a cache the bundle still runs, compiling as it goes: say so, but the build stands.
  if (r.status !== 0) process.stderr.write(`bundle: ${r.stdout.trim() || r.stderr.trim() || `the code cache step ended with ${r.status ?? r.signal}`}\n`);
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
const size = (f: string) => (fs.existsSync(path.join(outdir, f)) ? `${(fs.statSync(path.join(outdir, f)).size / 1024).toFixed(0)} KiB` : 'none');
process.stdout.write(`bundle: ${path.relative(ROOT, outdir) || '.'}/cli.cjs ${size('cli.cjs')}, code cache ${size('cli.cjs.cache')}, zipWorker.cjs ${size('zipWorker.cjs')}\n`);
