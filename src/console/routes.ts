// The web console's routes (not part of the AWS API): the page, its scripts and styles, the three
// libraries it imports (preact, its hooks, htm) served from node_modules so nothing comes from the
// internet, and one read-only route naming the accounts and regions that hold pipelines.
//   GET /_console            -> 302 /_console/
//   GET /_console/           -> the page (index.html, with its import map and a Content-Security-Policy)
//   GET /_console/assets/F   -> a file of the console/ folder at the package root (app.js, style.css, ...)
//   GET /_console/vendor/F   -> preact.mjs, hooks.mjs, htm.mjs
//   GET /_console/scopes     -> {default: {account, region}, standard, scopes: [{account, region, pipelines}], verifySignatures}
//                               (with --credentials: signed, and only the key's account)
// The page itself holds no state: it calls the API (POST /) and reads /_events/stream and /_logs.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Hono } from 'hono';
import type { AppDeps } from '../appDeps.js';
import { callerFrom, DEFAULT_ACCOUNT } from '../protocol/auth.js';
import { PACKAGE_ROOT } from '../packageRoot.js';

/** The console's static files: `console/` at the package root. */
export const ASSETS_DIR = path.join(PACKAGE_ROOT, 'console');

const require = createRequire(import.meta.url);

/** The libraries the page imports, by the name it asks for: the ES modules their packages ship. */
const VENDOR: Record<string, () => string> = {
  'preact.mjs': () => require.resolve('preact'),
  'hooks.mjs': () => require.resolve('preact/hooks'),
  // htm's `require` entry is dist/htm.js; its ES module sits beside it.
  'htm.mjs': () => path.join(path.dirname(require.resolve('htm')), 'htm.module.js'),
};

const IMPORT_MAP = JSON.stringify({
  imports: { preact: '/_console/vendor/preact.mjs', 'preact/hooks': '/_console/vendor/hooks.mjs', htm: '/_console/vendor/htm.mjs' },
});
const IMPORT_MAP_HASH = createHash('sha256').update(IMPORT_MAP).digest('base64');

/** Only the emulator's own files run; the one inline script is the import map, allowed by its hash. */
const CSP = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${IMPORT_MAP_HASH}'`,
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>codepipeline-local console</title>
<link rel="icon" href="/_console/assets/icon.svg">
<link rel="stylesheet" href="/_console/assets/style.css">
<script type="importmap">${IMPORT_MAP}</script>
<script type="module" src="/_console/assets/app.js"></script>
</head>
<body><div id="app"><p class="loading">Loading the console...</p></div></body>
</html>
`;

const ASSET_NAME = /^[a-z][a-z0-9-]*\.(js|css|svg|png)$/;

export function registerConsoleRoutes(app: Hono, deps: AppDeps) {
  app.get('/_console', (c) => c.redirect('/_console/', 302));
  app.get('/_console/', (c) => c.html(PAGE, 200, { 'content-security-policy': CSP, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }));

  const file = (c: { body: (b: Uint8Array, s: 200, h: Record<string, string>) => Response; text: (t: string, s: 404) => Response }, p: string) => {
    let data: Buffer;
    try {
      data = fs.readFileSync(p);
    } catch {
      return c.text('Not found\n', 404);
    }
    return c.body(new Uint8Array(data), 200, {
      'content-type': TYPES[path.extname(p)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
  };
  app.get('/_console/assets/:name', (c) => {
    const name = c.req.param('name');
    return ASSET_NAME.test(name) ? file(c, path.join(ASSETS_DIR, name)) : c.text('Not found\n', 404);
  });
  app.get('/_console/vendor/:name', (c) => {
    const where = Object.hasOwn(VENDOR, c.req.param('name')) ? VENDOR[c.req.param('name')] : undefined;
    return where ? file(c, where()) : c.text('Not found\n', 404);
  });

  app.get('/_console/scopes', (c) => {
    const counts = new Map<string, { account: string; region: string; pipelines: number }>();
    for (const p of deps.store.pipelines.everywhere()) {
      const key = `${p.account}/${p.region}`;
      const entry = counts.get(key) ?? { account: p.account, region: p.region, pipelines: 0 };
      entry.pipelines++;
      counts.set(key, entry);
    }
    // Signatures verified: a key acts in its own account only (the signature was checked in front of this route).
    const own = deps.keys && callerFrom(c.req.header('authorization'), new URL(c.req.url).searchParams, deps.config.defaultRegion, deps.keys).account;
    const scopes = [...counts.values()]
      .filter((s) => own === undefined || s.account === own)
      .sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
    const standard = { account: own ?? DEFAULT_ACCOUNT, region: deps.config.defaultRegion };
    // The default scope, unless it is empty and another one holds pipelines (a first look shows something).
    const holds = scopes.some((s) => s.account === standard.account && s.region === standard.region);
    return c.json({ default: holds || scopes.length === 0 ? standard : { account: scopes[0].account, region: scopes[0].region }, standard, scopes, verifySignatures: deps.keys !== undefined });
  });
}
