// The wire protocol: routing, errors, request ids, CORS, health.
import { describe, expect, it } from 'vitest';
import { ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { OPERATION_NAMES } from '../src/services/codepipeline/model/service.js';
import { client, rawCall, useEmulator } from './harness.js';

const t = useEmulator();

describe('wire protocol', () => {
  it('routes all 44 operations of the service model', async () => {
    expect(OPERATION_NAMES).toHaveLength(44);
    for (const op of OPERATION_NAMES) {
      const r = await rawCall(t.emu.endpoint, `CodePipeline_20150709.${op}`, '{}');
      // Every operation is known: it never answers UnknownOperationException nor a 500.
      expect(r.json.__type, op).not.toBe('UnknownOperationException');
      expect([200, 400, 501], op).toContain(r.status);
      if (r.status === 501) expect(r.json.__type, op).toBe('NotImplementedException');
      expect(r.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers a malformed body with SerializationException', async () => {
    const r = await rawCall(t.emu.endpoint, 'CodePipeline_20150709.ListPipelines', '{not json');
    expect(r.status).toBe(400);
    expect(r.json.__type).toBe('SerializationException');
    expect(r.headers.get('x-amzn-errortype')).toBe('SerializationException');
  });

  it('answers a body that is not an object with SerializationException', async () => {
    const r = await rawCall(t.emu.endpoint, 'CodePipeline_20150709.ListPipelines', '[1,2]');
    expect(r.status).toBe(400);
    expect(r.json.__type).toBe('SerializationException');
  });

  it('answers an unknown target with UnknownOperationException', async () => {
    const r = await rawCall(t.emu.endpoint, 'CodePipeline_20150709.NoSuchThing', '{}');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ __type: 'UnknownOperationException', message: 'Unknown operation CodePipeline_20150709.NoSuchThing' });
    const other = await rawCall(t.emu.endpoint, 'DynamoDB_20120810.ListTables', '{}');
    expect(other.json.__type).toBe('UnknownOperationException');
    const none = await rawCall(t.emu.endpoint, undefined, '{}');
    expect(none.json.__type).toBe('UnknownOperationException');
  });

  it('accepts an empty body as {}', async () => {
    const r = await rawCall(t.emu.endpoint, 'CodePipeline_20150709.ListPipelines', '');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ pipelines: [] });
  });

  it('answers an oversize body with 413', async () => {
    const r = await rawCall(t.emu.endpoint, 'CodePipeline_20150709.ListPipelines', JSON.stringify({ x: 'a'.repeat(3 * 1024 * 1024) }));
    expect(r.status).toBe(413);
    expect(r.json.__type).toBe('RequestEntityTooLargeException');
  });

  it('answers wrong JSON types with SerializationException', async () => {
    const r = await rawCall(t.emu.endpoint, 'CodePipeline_20150709.GetPipeline', JSON.stringify({ name: 5 }));
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ __type: 'SerializationException', message: 'NUMBER_VALUE can not be converted to a String' });
    const s = await rawCall(t.emu.endpoint, 'CodePipeline_20150709.ListPipelines', JSON.stringify({ maxResults: 'ten' }));
    expect(s.json).toEqual({ __type: 'SerializationException', message: 'STRING_VALUE can not be converted to an Integer' });
  });

  it('formats validation errors as AWS does', async () => {
    const r = await rawCall(t.emu.endpoint, 'CodePipeline_20150709.GetPipeline', JSON.stringify({ name: 'bad name!', version: 0 }));
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      __type: 'ValidationException',
      message:
        "2 validation errors detected: Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+; " +
        "Value '0' at 'version' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    const missing = await rawCall(t.emu.endpoint, 'CodePipeline_20150709.GetPipeline', '{}');
    expect(missing.json.message).toBe("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
  });

  it('answers CORS preflight for the browser SDK', async () => {
    const res = await fetch(`${t.emu.endpoint}/`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-target,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('serves /_health with version, uptime and store', async () => {
    const res = await fetch(`${t.emu.endpoint}/_health`);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', version: '0.1.0', store: ':memory:' });
    expect(typeof body.uptimeSeconds).toBe('number');
  });

  it('works with the SDK client', async () => {
    const out = await client(t.emu.endpoint).send(new ListPipelinesCommand({}));
    expect(out.pipelines).toEqual([]);
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
