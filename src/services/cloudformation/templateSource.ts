// A template given inline (TemplateBody) or as a TemplateURL into the emulator's own S3 store, in the
// URL forms clients build: http(s)://<emulator>/bucket/key, https://s3.amazonaws.com/bucket/key,
// https://s3.<region>.amazonaws.com/bucket/key, https://s3-<region>.amazonaws.com/bucket/key,
// https://bucket.s3.amazonaws.com/key, https://bucket.s3.<region>.amazonaws.com/key.
import { parseTemplate, TemplateError, type Template } from '../../stacks/template.js';
import type { Ctx } from './context.js';
import { validationError } from './errors.js';

export interface TemplateInput {
  TemplateBody?: string;
  TemplateURL?: string;
}

/** The bucket and key a TemplateURL names, or undefined when it is no URL of an S3 object. */
export function s3LocationOf(url: string): { bucket: string; key: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  const path = u.pathname.slice(1);
  const segments = path.split('/').map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  // Virtual-hosted: the bucket is the host's labels before ".s3." / ".s3-<region>." / ".s3.<region>.".
  const virtual = /^(.+)\.s3[.-]/.exec(u.hostname);
  if (virtual && !u.hostname.startsWith('s3.') && !u.hostname.startsWith('s3-')) {
    const key = segments.join('/');
    return key ? { bucket: virtual[1], key } : undefined;
  }
  // Path style: any other host (the S3 endpoints, the emulator itself).
  const [bucket, ...rest] = segments;
  const key = rest.join('/');
  return bucket && key ? { bucket, key } : undefined;
}

/** The template body a request gives (exactly one of TemplateBody and TemplateURL). */
export async function templateBodyOf(ctx: Ctx, input: TemplateInput): Promise<string> {
  if (input.TemplateBody !== undefined && input.TemplateURL !== undefined) throw validationError('Specify exactly one of TemplateBody or TemplateURL.');
  if (input.TemplateBody !== undefined) return input.TemplateBody;
  if (input.TemplateURL === undefined) throw validationError('Either Template URL or Template Body must be specified.');
  const where = s3LocationOf(input.TemplateURL);
  if (!where) throw validationError('TemplateURL must be an Amazon S3 URL');
  if (!ctx.engine.objects.getBucket(where.bucket)) throw validationError('TemplateURL must reference a valid S3 object to which you have access.');
  const body = await ctx.engine.objects.getBuffer(where.bucket, where.key);
  if (!body) throw validationError('S3 error: The specified key does not exist.');
  return body.toString('utf8');
}

/** Parses a template; its format errors are ValidationError, as CloudFormation answers them. */
export function parsed(body: string): Template {
  try {
    return parseTemplate(body);
  } catch (e) {
    if (e instanceof TemplateError) throw validationError(e.message);
    throw e;
  }
}

const cache = new Map<string, Template | null>();
/** A stored template, parsed once (for descriptions, NoEcho, metadata in the views); undefined when it cannot be. */
export function storedTemplate(body: string | undefined): Template | undefined {
  if (body === undefined) return undefined;
  let t = cache.get(body);
  if (t === undefined) {
    try {
      t = parseTemplate(body);
    } catch {
      t = null;
    }
    if (cache.size >= 64) cache.delete(cache.keys().next().value!);
    cache.set(body, t);
  }
  return t ?? undefined;
}
