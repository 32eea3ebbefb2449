// GET /_logs/<id>: an action's log, or the log of a build the CodeBuild API started, as text/plain, or
// with ?format=html as an escaped HTML page (the externalExecutionUrl of local builds points here).
// Both are streamed from the log file piece by piece, so a 64 MiB log neither holds the server up nor
// exhausts its memory.
// Access: the action execution id is a random UUID that only the owning account's API answers
// reveal, so the URL works in a browser like a presigned link. A request that does say who it is
// (a SigV4 Authorization header, X-Amz-Credential, or ?account=) must be the pipeline's account;
// any other account gets the same 404 as an unknown id, so ids of other accounts cannot be probed.
// With --credentials, a valid signature is required first (protocol/routeAuth.ts): the links in API
// answers then come presigned with the caller's key.
import type { Hono } from 'hono';
import { callerFrom } from '../protocol/auth.js';
import type { AppDeps } from '../appDeps.js';
import { LOG_ID } from './actionLogs.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** Each byte's entity, by byte value (the five characters are ASCII: never part of a multi-byte UTF-8 character). */
const BYTE_ENTITIES = new Map(Object.entries(ENTITIES).map(([c, e]) => [c.charCodeAt(0), Buffer.from(e)]));
const GROWTH = new Uint8Array(256);
for (const [b, e] of BYTE_ENTITIES) GROWTH[b] = e.length - 1;

/**
 * HTML-escapes UTF-8 bytes as they are, so a piece may end inside a character: in UTF-8 no byte of
 * a multi-byte character is one of the escaped ASCII characters. One pass to size, one to fill.
 */
export function escapeHtmlBytes(bytes: Uint8Array): Uint8Array {
  let extra = 0;
  for (let i = 0; i < bytes.length; i++) extra += GROWTH[bytes[i]];
  if (!extra) return bytes;
  const out = Buffer.allocUnsafe(bytes.length + extra);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const entity = GROWTH[b] ? BYTE_ENTITIES.get(b)! : undefined;
    if (entity) o += entity.copy(out, o);
    else out[o++] = b;
  }
  return out;
}

export function registerLogRoutes(app: Hono, deps: AppDeps) {
  app.get('/_logs/:id', (c) => {
    const id = c.req.param('id');
    const url = new URL(c.req.url);
    const notFound = () => c.text(`No log for action execution ${id}\n`, 404);
    if (!LOG_ID.test(id)) return notFound();
    const row = deps.store.executions.action(id);
    const exec = row && deps.store.executions.get(row.executionId);
    // Else the log of a build the CodeBuild API started (its uuid names the log).
    const build = exec ? undefined : deps.store.builds.buildOfLog(id);
    const owner = exec?.account ?? build?.account;
    if (owner === undefined) return notFound();
    const authorization = c.req.header('authorization');
    const claimed = url.searchParams.get('account') ?? (authorization || url.searchParams.has('X-Amz-Credential') ? callerFrom(authorization, url.searchParams, deps.config.defaultRegion, deps.keys).account : undefined);
    if (claimed !== undefined && claimed !== owner) return notFound();
    const format = url.searchParams.get('format');
    if (format !== null && format !== 'html' && format !== 'text') return c.text(`Unknown format '${format}': use html or text\n`, 400);
    const log = deps.engine.logs.open(id) ?? { size: 0, chunks: (async function* () {})() };
    if (format !== 'html')
      return c.body(streamOf(log.chunks), 200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(log.size), 'cache-control': 'no-store' });
    const title = exec ? `${exec.pipeline} / ${row!.stage} / ${row!.action} (${row!.status})` : `CodeBuild build ${build!.id}`;
    const head = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;margin:1.5em}pre{background:#111;color:#ddd;padding:1em;white-space:pre-wrap;word-break:break-all}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${exec ? 'Action execution' : 'Build log'} ${escapeHtml(id)}</p>
<pre>`;
    const tail = `</pre></body></html>
`;
    return c.body(streamOf(escapedPage(head, log.chunks, tail)), 200, {
      'content-type': 'text/html; charset=UTF-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    });
  });
}

/** The page around the log, the log escaped piece by piece. */
async function* escapedPage(head: string, chunks: AsyncIterable<Uint8Array>, tail: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(head);
  for await (const chunk of chunks) yield escapeHtmlBytes(chunk);
  yield Buffer.from(tail);
}

/** A response body that reads the next piece only when the client has taken the previous one. */
function streamOf(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await it.next();
      if (done) controller.close();
      else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    },
    async cancel() {
      await it.return?.();
    },
  });
}
