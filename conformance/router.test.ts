// One port, many services (src/router.ts): each request goes to the service it names (X-Amz-Target
// prefix, query Action/Version, credential scope, S3's path shapes). A service that is recognised but
// not implemented yet answers 501 in its own protocol, never CodePipeline's UnknownOperationException
// and never as a bucket; the emulator's own paths are never buckets.
import { describe, expect, it } from 'vitest';
import { ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { ACCOUNT, jsonOrUndefined, rawCall, useEmulator } from './harness.js';

const t = useEmulator();

const scope = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`,
});
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

async function call(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const res = await fetch(`${t.emu.endpoint}${path}`, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: jsonOrUndefined(text) };
}

/** The query protocol's <ErrorResponse> parts. */
const queryError = (text: string) => ({
  xmlns: /<ErrorResponse xmlns="([^"]*)"/.exec(text)?.[1],
  type: /<Type>([^<]*)<\/Type>/.exec(text)?.[1],
  code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1],
  message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1],
  requestId: /<RequestId>([^<]*)<\/RequestId>/.exec(text)?.[1],
});

describe('JSON 1.1 services recognised by their X-Amz-Target', () => {
  it('CodeBuild is served in JSON 1.1; an operation it does not implement answers 501 naming it', async () => {
    const list = await rawCall(t.emu.endpoint, 'CodeBuild_20161006.ListProjects', '{}', scope('codebuild'));
    expect([list.status, list.json]).toEqual([200, { projects: [] }]);
    const r = await rawCall(t.emu.endpoint, 'CodeBuild_20161006.ListReportGroups', '{}', scope('codebuild'));
    expect([r.status, r.headers.get('content-type'), r.headers.get('x-amzn-errortype'), r.json]).toEqual([
      501,
      'application/x-amz-json-1.1',
      'NotImplementedException',
      { __type: 'NotImplementedException', message: 'ListReportGroups is not implemented yet in codepipeline-local' },
    ]);
    expect(r.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('SSM is served whatever the scope says; an operation it does not implement answers 501 naming it', async () => {
    for (const headers of [scope('ssm'), {}]) {
      const r = await rawCall(t.emu.endpoint, 'AmazonSSM.GetParameter', '{"Name":"/x"}', headers);
      expect([r.status, r.json]).toEqual([400, { __type: 'ParameterNotFound', message: '' }]);
      const other = await rawCall(t.emu.endpoint, 'AmazonSSM.ListDocuments', '{}', headers);
      expect([other.status, other.json]).toEqual([501, { __type: 'NotImplementedException', message: 'ListDocuments is not implemented yet in codepipeline-local' }]);
    }
  });

  it('CodePipeline is served as before, and an unknown prefix is still its UnknownOperationException', async () => {
    expect((await t.cp.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
    const other = await rawCall(t.emu.endpoint, 'DynamoDB_20120810.ListTables', '{}');
    expect([other.status, other.json]).toEqual([400, { __type: 'UnknownOperationException', message: 'Unknown operation DynamoDB_20120810.ListTables' }]);
  });
});

describe('query-protocol services recognised by Action and Version', () => {
  it('STS GetCallerIdentity (form POST) is answered by STS in XML, never as CodePipeline', async () => {
    const r = await call('/', { method: 'POST', headers: { ...FORM, ...scope('sts') }, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
    expect([r.status, r.headers.get('content-type')]).toEqual([200, 'text/xml']);
    expect(r.text).toContain('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>');
    expect(r.text).toContain(`<RequestId>${r.headers.get('x-amzn-requestid')}</RequestId>`);
  });

  it('an unknown Action of a known service is its InvalidAction, in the query XML error shape', async () => {
    const r = await call('/', { method: 'POST', headers: FORM, body: 'Action=Fly&Version=2011-06-15' });
    expect([r.status, queryError(r.text)]).toEqual([
      400,
      {
        xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
        type: 'Sender',
        code: 'InvalidAction',
        message: 'Could not find operation Fly for version 2011-06-15',
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    ]);
  });

  it('CloudFormation ListStacks (form POST, unsigned) is answered by CloudFormation in XML', async () => {
    const r = await call('/', { method: 'POST', headers: FORM, body: 'Action=ListStacks&Version=2010-05-15' });
    expect([r.status, r.text]).toEqual([200, expect.stringContaining('<ListStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><ListStacksResult><StackSummaries></StackSummaries></ListStacksResult>')]);
  });

  it('a GET with the action in its query string is the service’s, not S3’s ListBuckets', async () => {
    const r = await call('/?Action=GetCallerIdentity&Version=2011-06-15');
    expect([r.status, r.text]).toEqual([200, expect.stringContaining('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">')]);
    // Without a Version or scope naming a query service, GET / is S3's ListBuckets as before.
    const s3 = await call('/?Action=Whatever');
    expect([s3.status, s3.text]).toEqual([200, expect.stringContaining('<ListAllMyBucketsResult')]);
  });

  it('the scope names the service when the Version names none', async () => {
    const r = await call('/', { method: 'POST', headers: { ...FORM, ...scope('cloudformation') }, body: 'Action=ListStacks' });
    expect([r.status, r.text]).toEqual([200, expect.stringContaining('<ListStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">')]);
    // A form that names no known service at all is answered as any unknown POST / (as before).
    const unknown = await call('/', { method: 'POST', headers: FORM, body: 'Action=ListQueues&Version=2012-11-05' });
    expect([unknown.status, unknown.json]).toEqual([400, { __type: 'SerializationException', message: 'Start of structure or map found where not expected.' }]);
  });

  it('an oversize form body gets 413 in the query shape; a refused origin gets 403 in it', async () => {
    const big = await call('/', { method: 'POST', headers: FORM, body: `Action=ListStacks&Version=2010-05-15&x=${'a'.repeat(3 * 1024 * 1024)}` });
    expect([big.status, queryError(big.text).code]).toEqual([413, 'RequestEntityTooLarge']);
    const evil = await call('/', { method: 'POST', headers: { ...FORM, origin: 'http://evil.example' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
    expect([evil.status, queryError(evil.text).code]).toEqual([403, 'AccessDenied']);
  });

});

describe('paths that are never buckets', () => {
  it('/_console/ is the emulator’s (the web console), signed for S3 or not', async () => {
    for (const headers of [{}, scope('s3')]) {
      const r = await call('/_console/', { headers });
      expect(r.status).toBe(200);
      expect(r.text).toMatch(/^<!doctype html>/);
      expect(r.text).not.toContain('<Error>');
    }
    expect((await call('/_console/app.js', { method: 'PUT', headers: scope('s3'), body: 'x' })).json?.__type).toBe('UnknownOperationException');
  });

  it('a bucket named webhooks stays reachable by requests signed for S3', async () => {
    const put = await call('/webhooks', { method: 'PUT', headers: scope('s3') });
    expect(put.status).toBe(200);
    const head = await call('/webhooks', { method: 'HEAD', headers: scope('s3') });
    expect(head.status).toBe(200);
    const unsigned = await call('/webhooks', { method: 'HEAD' });
    expect(unsigned.status).toBe(404);
  });
});
