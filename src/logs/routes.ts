// GET /_logs/<actionExecutionId>: an action's log as text/plain, or with ?format=html as an escaped
// HTML page (the externalExecutionUrl of local builds points here).
// Access: the action execution id is a random UUID that only the owning account's API answers
// reveal, so the URL works in a browser like a presigned link. A request that does say who it is
// (a SigV4 Authorization header, X-Amz-Credential, or ?account=) must be the pipeline's account;
// any other account gets the same 404 as an unknown id, so ids of other accounts cannot be probed.
// With --credentials, a valid signature is required first (protocol/routeAuth.ts): the links in API
// answers then come presigned with the caller's key.
import type { Hono } from 'hono';
import { callerFrom } from '../protocol/auth.js';
import type { AppDeps } from '../server.js';
import { actionLogs, LOG_ID } from './actionLogs.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function registerLogRoutes(app: Hono, deps: AppDeps) {
  app.get('/_logs/:id', (c) => {
    const id = c.req.param('id');
    const url = new URL(c.req.url);
    const notFound = () => c.text(`No log for action execution ${id}\n`, 404);
    if (!LOG_ID.test(id)) return notFound();
    const row = deps.store.executions.action(id);
    const exec = row && deps.store.executions.get(row.executionId);
    if (!exec) return notFound();
    const authorization = c.req.header('authorization');
    const claimed = url.searchParams.get('account') ?? (authorization || url.searchParams.has('X-Amz-Credential') ? callerFrom(authorization, url.searchParams, deps.config.defaultRegion, deps.keys).account : undefined);
    if (claimed !== undefined && claimed !== exec.account) return notFound();
    const text = actionLogs(deps.engine).read(id) ?? '';
    const format = url.searchParams.get('format');
    if (format !== null && format !== 'html' && format !== 'text') return c.text(`Unknown format '${format}': use html or text\n`, 400);
    if (format !== 'html') return c.text(text, 200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    const title = `${exec.pipeline} / ${row.stage} / ${row.action} (${row.status})`;
    const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;margin:1.5em}pre{background:#111;color:#ddd;padding:1em;white-space:pre-wrap;word-break:break-all}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>Action execution ${escapeHtml(id)}</p>
<pre>${escapeHtml(text)}</pre></body></html>
`;
    return c.html(html, 200, { 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" });
  });
}
