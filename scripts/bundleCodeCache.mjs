// Run once by scripts/bundle.ts (node scripts/bundleCodeCache.mjs DIST): starts the built CLI
// (DIST/main.js, which runs DIST/cli.cjs) in memory on a free loopback port, lets it answer one
// ListPipelines, and writes V8's code cache of the bundle as it stands then (the top level and every
// function the start and a first request compiled) to DIST/cli.cjs.cache, after the bundle's SHA-256.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = path.resolve(process.argv[2]);
const bundle = path.join(dist, 'cli.cjs');
const fail = (message) => {
  process.stdout.write(`no code cache: ${message}\n`);
  process.exit(1);
};
setTimeout(() => fail('the CLI did not answer within 30 s'), 30_000).unref();

let script;
globalThis[Symbol.for('codepipeline-local.cliScript')] = (s) => {
  script = s;
};

async function answerOnce(endpoint) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'CodePipeline_20150709.ListPipelines',
      authorization: 'AWS4-HMAC-SHA256 Credential=123456789012/20260101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: '{}',
  });
  await res.text();
  if (res.status !== 200) fail(`ListPipelines answered ${res.status}`);
  const hash = createHash('sha256').update(fs.readFileSync(bundle)).digest();
  fs.writeFileSync(`${bundle}.cache`, Buffer.concat([hash, script.createCachedData()]));
  process.exit(0);
}

// The CLI's own lines go nowhere; its "listening on URL" line says when to ask.
process.stderr.write = (chunk) => {
  const m = /listening on (http:\/\/\S+)/.exec(String(chunk));
  if (m) answerOnce(m[1]).catch((e) => fail(e.message));
  return true;
};
process.argv = [process.argv[0], path.join(dist, 'main.js'), '--in-memory', '--host', '127.0.0.1', '--port', '0'];
await import(pathToFileURL(path.join(dist, 'main.js')).href);
