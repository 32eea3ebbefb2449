// Request ids (src/protocol/requestIds.ts): UUID-shaped, version 4, as AWS's x-amzn-RequestId; unique
// per answer (cached reads, misses, errors alike) and across restarts (each process draws its own prefix).
import { describe, expect, it, vi } from 'vitest';
import { ACCOUNT, rawCall, useEmulator } from './harness.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const AUTH = { authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=0` };

describe('request ids', () => {
  const h = useEmulator();

  it('every answer (cached read, miss, error) has its own version-4 UUID', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      for (const [target, body] of [
        ['CodePipeline_20150709.ListPipelines', '{}'],
        ['CodePipeline_20150709.GetPipeline', '{"name":"none"}'],
        ['CodePipeline_20150709.NoSuchOperation', '{}'],
      ]) {
        const r = await rawCall(h.emu.endpoint, target, body, AUTH);
        ids.push(r.headers.get('x-amzn-requestid')!);
      }
    }
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a new process numbers its requests under a new random prefix', async () => {
    const first = (await import('../src/protocol/requestIds.js')).newRequestId;
    const a = [first(), first()];
    vi.resetModules();
    const restarted = (await import('../src/protocol/requestIds.js')).newRequestId;
    const b = [restarted(), restarted()];
    // Within a process: one prefix, consecutive numbers.
    expect(a[0].slice(0, 24)).toBe(a[1].slice(0, 24));
    expect(parseInt(a[1].slice(24), 16) - parseInt(a[0].slice(24), 16)).toBe(1);
    // A fresh module (what a restart is): another prefix, so its ids never repeat the first one's.
    expect(b[0].slice(0, 24)).not.toBe(a[0].slice(0, 24));
    for (const id of [...a, ...b]) expect(id).toMatch(UUID_V4);
  });
});
