// `codepipeline-local presign URL [--expires-in SECONDS]`: a presigned link to the emulator's own routes
// (/_logs, /_events, /_local) for a browser or curl, when signatures are verified. The key comes from
// the environment, as the AWS tools take it: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION.
import { parseArgs } from 'node:util';
import { presignUrl } from './protocol/apiAuth.js';
import { MAX_EXPIRES_SECONDS } from './protocol/sigv4.js';

export function presignCommand(args: string[], env: NodeJS.ProcessEnv, now = Date.now()): { url: string } | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { 'expires-in': { type: 'string' } } });
  } catch (e) {
    return { error: (e as Error).message.split(/\.\s/)[0].replace(/\.$/, '') };
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1) return { error: 'presign takes one URL, e.g. presign http://127.0.0.1:4596/_logs/ID' };
  let url: URL;
  try {
    url = new URL(positionals[0]);
  } catch {
    return { error: `not a URL: ${positionals[0]}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: `not an http(s) URL: ${positionals[0]}` };
  const raw = values['expires-in'] ?? '3600';
  const expires = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(expires >= 1 && expires <= MAX_EXPIRES_SECONDS)) return { error: `invalid --expires-in ${raw} (1 to ${MAX_EXPIRES_SECONDS} seconds)` };
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return { error: 'presign needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment' };
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  return { url: presignUrl(url.toString(), { accessKeyId, secretAccessKey }, region, expires, now) };
}
