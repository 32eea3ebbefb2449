// The webhook receiver: POST to the URL PutWebhook returned (/webhooks/trigger?t=TOKEN&v=1).
// The webhook is found by its token; its authentication is checked (GITHUB_HMAC: X-Hub-Signature-256
// or X-Hub-Signature over the raw body with the SecretToken; IP: the caller's address within
// AllowedIPRange; UNAUTHENTICATED); every filter must match (jsonPath on the JSON body, matchEquals
// with {ConfigKey} placeholders replaced by the target action's configuration). A match starts the
// target pipeline (trigger 'Webhook', detail the webhook ARN) and records lastTriggered.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { WebhookDefinition } from '@aws-sdk/client-codepipeline';
import type { Engine } from '../engine/engine.js';
import type { WebhookRow } from '../store/webhooks.js';
import type { Scope } from '../store/scope.js';
import { evaluateJsonPath } from './jsonPath.js';
import { startFromTrigger } from './start.js';

export interface FoundWebhook extends Scope {
  row: WebhookRow;
}

const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
export function findWebhook(engine: Engine, token: string): FoundWebhook | undefined {
  if (!TOKEN.test(token)) return undefined;
  const hit = engine.store.webhooks.findByUrlSuffix(`/webhooks/trigger?t=${token}&v=1`);
  if (!hit) return undefined;
  const row = engine.store.webhooks.get(hit, hit.name);
  return row && { account: hit.account, region: hit.region, row };
}

/** GITHUB_HMAC: sha256= (X-Hub-Signature-256) or sha1= (X-Hub-Signature) HMAC of the raw body. */
export function validSignature(secret: string, body: Buffer, headers: { sha256?: string; sha1?: string }): boolean {
  const check = (header: string | undefined, algorithm: 'sha256' | 'sha1') => {
    const m = header ? new RegExp(`^${algorithm}=([0-9a-fA-F]+)$`).exec(header.trim()) : null;
    if (!m) return false;
    const expected = createHmac(algorithm, secret).update(body).digest();
    const given = Buffer.from(m[1], 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return headers.sha256 !== undefined ? check(headers.sha256, 'sha256') : check(headers.sha1, 'sha1');
}

/** IP: whether `address` lies in the CIDR range (IPv4-mapped IPv6 addresses count as IPv4). */
export function inRange(address: string | undefined, cidr: string): boolean {
  if (!address) return false;
  const ip = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!m) return false;
  const family = isIP(m[1]);
  if (!family || isIP(ip) !== family) return false;
  const list = new BlockList();
  try {
    list.addSubnet(m[1], Number(m[2]), family === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
  return list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** matchEquals with {ConfigKey} replaced by the target action's configuration value. */
export function expandMatch(matchEquals: string, configuration: Record<string, string>): string {
  return matchEquals.replace(/\{([^{}]+)\}/g, (whole, key: string) => (Object.hasOwn(configuration, key) ? configuration[key] : whole));
}

const scalar = (v: unknown) => (v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Every filter must select a value (equal to its expanded matchEquals, when it has one). */
export function filtersMatch(def: WebhookDefinition, body: unknown, configuration: Record<string, string>): boolean {
  for (const f of def.filters ?? []) {
    let values: unknown[];
    try {
      values = evaluateJsonPath(body, f.jsonPath!);
    } catch {
      return false;
    }
    if (f.matchEquals === undefined || f.matchEquals === null) {
      if (!values.length) return false;
      continue;
    }
    const expected = expandMatch(f.matchEquals, configuration);
    if (!values.some((v) => scalar(v) === expected)) return false;
  }
  return true;
}

export type ReceiveResult =
  | { status: 404; message: string }
  | { status: 403; message: string }
  | { status: 200; message: string; pipelineExecutionId?: string };

export function receiveWebhook(engine: Engine, token: string, body: Buffer, caller: { address?: string; headers: { sha256?: string; sha1?: string } }): ReceiveResult {
  const hook = findWebhook(engine, token);
  if (!hook) return { status: 404, message: 'The webhook was not found' };
  const def = hook.row.definition;
  const auth = def.authenticationConfiguration ?? {};
  if (def.authentication === 'GITHUB_HMAC' && !validSignature(auth.SecretToken ?? '', body, caller.headers))
    return { status: 403, message: 'The request signature does not match the webhook secret token' };
  if (def.authentication === 'IP' && !inRange(caller.address, auth.AllowedIPRange ?? ''))
    return { status: 403, message: `The request's source IP address is not in the allowed range` };
  let json: unknown;
  try {
    json = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    json = undefined;
  }
  const pipeline = engine.store.pipelines.get(hook, def.targetPipeline!);
  const action = pipeline?.declaration.stages?.[0]?.actions?.find((a) => a.name === def.targetAction);
  if (!pipeline || !action) return { status: 200, message: 'The target pipeline or action no longer exists; nothing was started' };
  if ((def.filters?.length && json === undefined) || !filtersMatch(def, json, action.configuration ?? {}))
    return { status: 200, message: 'The request did not match the webhook filters; nothing was started' };
  const id = startFromTrigger(engine, hook, def.targetPipeline!, { triggerType: 'Webhook', triggerDetail: hook.row.arn }, [], () =>
    engine.store.webhooks.touchTriggered(hook, hook.row.name, engine.clock.now()),
  );
  return id ? { status: 200, message: 'The pipeline was started', pipelineExecutionId: id } : { status: 200, message: 'The target pipeline no longer exists' };
}
