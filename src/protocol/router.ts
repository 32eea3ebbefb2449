// The JSON 1.1 wire protocol: X-Amz-Target -> operation, body -> validated input, result or AWS error -> response.
// Error order follows AWS: malformed body -> unknown operation -> authentication (when signatures are
// verified) -> validation -> the operation's own errors.
import { randomUUID } from 'node:crypto';
import type { Ctx } from '../services/codepipeline/context.js';
import { handlers } from '../services/codepipeline/operations/index.js';
import { serviceModel, TARGET_PREFIX, validateInput } from '../services/codepipeline/model/service.js';
import { validRegion } from './auth.js';
import { AwsError, err, notImplemented } from './errors.js';

export interface WireResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const JSON_TYPE = 'application/x-amz-json-1.1';

/** Dates as AWS JSON 1.1 sends timestamps: epoch seconds. */
function epochSecondsToJson(this: Date) {
  return this.getTime() / 1000;
}

/**
 * Serialises an output with Dates as epoch seconds. Date.prototype.toJSON is swapped only for the
 * duration of this synchronous call (no other code can run meanwhile): a replacer function would
 * cost a call per key.
 */
function toAwsJson(output: unknown): string {
  const original = Date.prototype.toJSON;
  Date.prototype.toJSON = epochSecondsToJson as unknown as typeof original;
  try {
    return JSON.stringify(output);
  } finally {
    Date.prototype.toJSON = original;
  }
}

export function errorResponse(e: AwsError, requestId: string): WireResponse {
  return {
    status: e.status,
    body: JSON.stringify({ __type: e.type, message: e.message }),
    headers: { 'content-type': JSON_TYPE, 'x-amzn-requestid': requestId, 'x-amzn-errortype': e.type },
  };
}

/** Handles one CodePipeline request; never throws. */
export async function dispatch(target: string | undefined, rawBody: string, ctx: Ctx, authenticate?: () => void): Promise<WireResponse> {
  const { requestId } = ctx;
  try {
    let body: unknown = {};
    if (rawBody.trim() !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        throw err('SerializationException', 'Start of structure or map found where not expected.');
      }
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw err('SerializationException', 'Start of structure or map found where not expected.');

    const [prefix, operation] = (target ?? '').split('.');
    // Own properties only: `toString`, `__proto__` or `constructor` name no operation.
    if (prefix !== TARGET_PREFIX || !operation || !Object.hasOwn(serviceModel.operations, operation))
      throw err('UnknownOperationException', target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header');
    authenticate?.();
    if (ctx.region !== ctx.config.defaultRegion && !validRegion(ctx.region)) throw err('InvalidSignatureException', 'Credential should be scoped to a valid region.');

    const input = validateInput(operation, body);
    const handler = Object.hasOwn(handlers, operation) ? handlers[operation] : undefined;
    if (!handler) throw notImplemented(operation);
    const output = (await handler(ctx, input)) ?? {};
    return {
      status: 200,
      body: toAwsJson(output),
      headers: { 'content-type': JSON_TYPE, 'x-amzn-requestid': requestId },
    };
  } catch (e) {
    if (e instanceof AwsError) {
      ctx.log.debug(`${target} -> ${e.type}: ${e.message}`);
      return errorResponse(e, requestId);
    }
    ctx.log.error(`InternalFailure in ${target} (request ${requestId})`, e);
    return errorResponse(err('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500), requestId);
  }
}

export const newRequestId = () => randomUUID();
