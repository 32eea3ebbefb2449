// Signature verification (--credentials): with access keys configured, every request must carry a
// valid SigV4 signature, checked the way AWS checks it, with AWS's errors. Signed by the real clients
// (JS SDK v3 here; boto3 and the AWS CLI in signaturesPython.test.ts), and by hand where a client does
// not go (aws-chunked signed chunks, tampered bodies).
import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelinesCommand,
  PutJobSuccessResultCommand,
  type ActionDeclaration,
} from '@aws-sdk/client-codepipeline';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { presignCommand } from '../src/presignCommand.js';
import { zipFiles } from '../src/util/zip.js';
import { BUILD_TYPE, createCustomTypes, takeJob, until } from './engineKit.js';
import { failure, rawCall, useEmulator } from './harness.js';
import { chunkedPut, CREDENTIALS, get, KEY, OTHER, presign, send, signRequest, xmlError } from './sigv4Kit.js';

const cpClient = (endpoint: string, creds: { accessKeyId: string; secretAccessKey: string } = KEY, extra: { systemClockOffset?: number } = {}) =>
  new CodePipelineClient({ endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1, ...extra });
const s3Client = (endpoint: string, creds: { accessKeyId: string; secretAccessKey: string } = KEY, extra: { systemClockOffset?: number } = {}) =>
  new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: creds, maxAttempts: 1, ...extra });

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const AMZ = '\\d{8}T\\d{6}Z';

describe('CodePipeline API with signatures verified', () => {
  const h = useEmulator({ credentials: CREDENTIALS });

  it('accepts a signed call and acts in the account the credentials file gives the key', async () => {
    expect(h.emu.verifySignatures).toBe(true);
    const cp = cpClient(h.emu.endpoint);
    expect((await cp.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
    const e = await failure(cp.send(new GetPipelineCommand({ name: 'nope' })));
    expect(e.name).toBe('PipelineNotFoundException');
    expect(e.message).toBe("Account '111122223333' does not have a pipeline with name 'nope'");
    // A 12-digit key without an account id acts in its own account.
    const e2 = await failure(cpClient(h.emu.endpoint, OTHER).send(new GetPipelineCommand({ name: 'nope' })));
    expect(e2.message).toBe("Account '444455556666' does not have a pipeline with name 'nope'");
  });

  it('refuses a wrong secret with InvalidSignatureException and the canonical request it expected', async () => {
    const e = await failure(cpClient(h.emu.endpoint, { ...KEY, secretAccessKey: 'wrong' }).send(new ListPipelinesCommand({})));
    expect(e.name).toBe('InvalidSignatureException');
    expect(e.$metadata.httpStatusCode).toBe(400);
    const host = new URL(h.emu.endpoint).host;
    expect(e.message).toMatch(
      new RegExp(
        `^${MISMATCH.replace(/[.]/g, '\\.')}\\n\\nThe Canonical String for this request should have been\\n'POST\\n/\\n\\n[^']*host:${host.replace(/\./g, '\\.')}\\n[^']*x-amz-target:CodePipeline_20150709\\.ListPipelines\\n[^']*\\n\\n[^']*\\n[0-9a-f]{64}'\\n\\nThe String-to-Sign should have been\\n'AWS4-HMAC-SHA256\\n${AMZ}\\n\\d{8}/us-east-1/codepipeline/aws4_request\\n[0-9a-f]{64}'\\n$`,
      ),
    );
  });

  it('refuses an unknown key with UnrecognizedClientException', async () => {
    const e = await failure(cpClient(h.emu.endpoint, { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' }).send(new ListPipelinesCommand({})));
    expect(e.name).toBe('UnrecognizedClientException');
    expect(e.$metadata.httpStatusCode).toBe(400);
    expect(e.message).toBe('The security token included in the request is invalid.');
  });

  it('refuses a request dated more than 15 minutes off', async () => {
    const past = await failure(cpClient(h.emu.endpoint, KEY, { systemClockOffset: -20 * 60_000 }).send(new ListPipelinesCommand({})));
    expect(past.name).toBe('InvalidSignatureException');
    expect(past.message).toMatch(new RegExp(`^Signature expired: ${AMZ} is now earlier than ${AMZ} \\(${AMZ} - 15 min\\.\\)$`));
    const future = await failure(cpClient(h.emu.endpoint, KEY, { systemClockOffset: 20 * 60_000 }).send(new ListPipelinesCommand({})));
    expect(future.message).toMatch(new RegExp(`^Signature not yet current: ${AMZ} is still later than ${AMZ} \\(${AMZ} \\+ 15 min\\.\\)$`));
    // Within the window it is accepted.
    await cpClient(h.emu.endpoint, KEY, { systemClockOffset: -10 * 60_000 }).send(new ListPipelinesCommand({}));
  });

  it('refuses an unsigned call with MissingAuthenticationTokenException (403), a changed body, another service scope', async () => {
    const r = await rawCall(h.emu.endpoint, 'CodePipeline_20150709.ListPipelines', '{}');
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    // An unknown operation is named before authentication (as AWS's JSON services do).
    expect((await rawCall(h.emu.endpoint, 'CodePipeline_20150709.Nope', '{}')).json.__type).toBe('UnknownOperationException');

    const url = `${h.emu.endpoint}/`;
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodePipeline_20150709.ListPipelines' };
    const good = await signRequest('codepipeline', 'POST', url, { headers, body: '{}' });
    expect((await send(good)).status).toBe(200);
    const tampered = await send({ ...good, body: '{ }' });
    expect(tampered.status).toBe(400);
    expect(JSON.parse(tampered.text).__type).toBe('InvalidSignatureException');
    const s3Scoped = await signRequest('s3', 'POST', url, { headers, body: '{}' });
    const wrongService = await send(s3Scoped);
    expect(wrongService.status).toBe(400);
    expect(JSON.parse(wrongService.text)).toEqual({ __type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'codepipeline'. " });
    const hostless = await signRequest('codepipeline', 'POST', url, { headers, body: '{}' });
    const auth = hostless.headers.authorization.replace(/SignedHeaders=([^,]*)host;/, 'SignedHeaders=$1');
    const unsignedHost = await send({ ...hostless, headers: { ...hostless.headers, authorization: auth } });
    expect(JSON.parse(unsignedHost.text)).toEqual({ __type: 'IncompleteSignatureException', message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." });
    const bearer = await rawCall(h.emu.endpoint, 'CodePipeline_20150709.ListPipelines', '{}', { authorization: 'Bearer abc' });
    expect(bearer.status).toBe(400);
    expect(bearer.json).toEqual({
      __type: 'IncompleteSignatureException',
      message:
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer abc",
    });
  });

  it('keeps webhooks on their own authentication and /_health open', async () => {
    const hook = await fetch(`${h.emu.endpoint}/webhooks/trigger?t=unknown&v=1`, { method: 'POST', body: '{}' });
    expect(hook.status).not.toBe(403);
    expect(await hook.text()).not.toContain('MissingAuthenticationToken');
    expect((await fetch(`${h.emu.endpoint}/_health`)).status).toBe(200);
  });
});

describe("the emulator's own routes with signatures verified", () => {
  const h = useEmulator({ credentials: CREDENTIALS });
  const events = () => `${h.emu.endpoint}/_events?pipeline=nope`;

  it('refuse an unsigned request, accept a header-signed or presigned one (any service scope)', async () => {
    const unsigned = await get(events());
    expect(unsigned.status).toBe(403);
    expect(JSON.parse(unsigned.text).__type).toBe('MissingAuthenticationTokenException');
    // However the path is spelled.
    expect((await get(`${h.emu.endpoint}/%5Fevents?pipeline=nope`)).status).toBe(403);
    expect((await get(`${h.emu.endpoint}/_local/../_local/simulated`)).status).toBe(403);
    // Authenticated: the route's own answer (no such pipeline in the key's account).
    const signed = await send(await signRequest('codepipeline', 'GET', events()));
    expect(signed.status).toBe(404);
    expect(JSON.parse(signed.text).message).toBe("Account '111122223333' does not have a pipeline with name 'nope' in region 'us-east-1'");
    expect((await get(await presign('codepipeline', events()))).status).toBe(404);
    expect((await get(await presign('execute-api', events()))).status).toBe(404);
  });

  it('refuse a wrong secret, an expired presigned link, another account', async () => {
    const wrong = await get(await presign('codepipeline', events(), { creds: { ...KEY, secretAccessKey: 'nope' } }));
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.text).__type).toBe('InvalidSignatureException');
    const old = await get(await presign('codepipeline', events(), { expiresIn: 60, date: new Date(Date.now() - 3600_000) }));
    expect(old.status).toBe(403);
    expect(JSON.parse(old.text).message).toMatch(/^Signature expired: /);
    const other = await send(await signRequest('codepipeline', 'GET', `${events()}&account=444455556666`));
    expect(other.status).toBe(403);
    expect(JSON.parse(other.text)).toEqual({ __type: 'AccessDeniedException', message: 'The access key AKIDTEAMSERVER01 acts in account 111122223333, not 444455556666' });
  });

  it('accept a signed POST to /_local with its body, and refuse a body that differs from the signed one', async () => {
    const url = `${h.emu.endpoint}/_local/simulation/alarm/HighLatency`;
    const body = '{"state":"ALARM"}';
    const signed = await signRequest('codepipeline', 'PUT', url, { body, headers: { 'content-type': 'application/json' } });
    expect((await send(signed)).status).toBe(200);
    expect((await send({ ...signed, body: '{"state":"OK"}   ' })).status).toBe(400);
  });

  it('`codepipeline-local presign URL` makes a link the emulator accepts', async () => {
    const out = presignCommand([events(), '--expires-in', '120'], { AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey });
    if (!('url' in out)) throw new Error(out.error);
    expect(out.url).toMatch(/[?&]X-Amz-Expires=120&/);
    expect((await get(out.url)).status).toBe(404);
    expect(presignCommand([events()], {})).toEqual({ error: 'presign needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment' });
    expect(presignCommand([events(), '--expires-in', '604801'], { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' })).toEqual({
      error: 'invalid --expires-in 604801 (1 to 604800 seconds)',
    });
  });
});

describe('log links in API answers with signatures verified', () => {
  const h = useEmulator({ credentials: CREDENTIALS });

  it("come presigned with the caller's key: a browser opens them, the bare link and another account's key are refused", async () => {
    const cp = cpClient(h.emu.endpoint);
    const s3 = s3Client(h.emu.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'signed-src' }));
    await s3.send(new PutObjectCommand({ Bucket: 'signed-src', Key: 'app.zip', Body: zipFiles([{ path: 'a.txt', data: Buffer.from('a') }]) }));
    await cp.send(
      new CreatePipelineCommand({
        pipeline: {
          name: 'signed-logs',
          roleArn: 'arn:aws:iam::111122223333:role/pipeline',
          artifactStore: { type: 'S3', location: 'signed-artifacts' },
          stages: [
            {
              name: 'Source',
              actions: [
                {
                  name: 'Source',
                  actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
                  configuration: { S3Bucket: 'signed-src', S3ObjectKey: 'app.zip', PollForSourceChanges: 'false' },
                  outputArtifacts: [{ name: 'Out' }],
                },
              ],
            },
            { name: 'Approve', actions: [{ name: 'Approve', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } }] },
          ],
        },
      }),
    );
    const details = await until(
      () => cp.send(new ListActionExecutionsCommand({ pipelineName: 'signed-logs' })),
      (o) => o.actionExecutionDetails!.some((d) => d.actionName === 'Source' && d.status === 'Succeeded'),
      15_000,
    );
    const source = details.actionExecutionDetails!.find((d) => d.actionName === 'Source')!;
    const link = source.output!.executionResult!.externalExecutionUrl!;
    const bare = `${h.emu.endpoint}/_logs/${source.actionExecutionId}`;
    expect(link).toMatch(
      new RegExp(
        `^${bare.replace(/\./g, '\\.')}\\?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDTEAMSERVER01%2F\\d{8}%2Fus-east-1%2Fcodepipeline%2Faws4_request&X-Amz-Date=${AMZ}&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=[0-9a-f]{64}$`,
      ),
    );
    const opened = await get(link);
    expect(opened.status).toBe(200);
    expect(opened.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(opened.text.length).toBeGreaterThan(0);
    const state = await cp.send(new GetPipelineStateCommand({ name: 'signed-logs' }));
    const stateLink = state.stageStates![0].actionStates![0].latestExecution!.externalExecutionUrl!;
    expect(stateLink.startsWith(`${bare}?X-Amz-Algorithm=`)).toBe(true);
    expect((await get(stateLink)).text).toBe(opened.text);
    expect((await get(bare)).status).toBe(403);
    // Another account's key: the same 404 as an unknown id.
    expect((await get(await presign('codepipeline', bare, { creds: OTHER }))).status).toBe(404);
  });
});

describe('what a pipeline runs, with signatures verified', () => {
  const h = useEmulator({ credentials: CREDENTIALS, configFile: path.resolve(import.meta.dirname, '../fixtures/deploy/codepipeline-local.yml') });
  const S3_SOURCE: ActionDeclaration = {
    name: 'Source',
    actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
    configuration: { S3Bucket: 'run-src', S3ObjectKey: 'app.zip', PollForSourceChanges: 'false' },
    outputArtifacts: [{ name: 'SourceOut' }],
  };
  const run = async (name: string, actions: ActionDeclaration[]) => {
    const cp = cpClient(h.emu.endpoint);
    await cp.send(
      new CreatePipelineCommand({
        pipeline: {
          name,
          roleArn: 'arn:aws:iam::111122223333:role/pipeline',
          artifactStore: { type: 'S3', location: 'run-artifacts' },
          stages: [{ name: 'Source', actions: [S3_SOURCE] }, { name: 'Run', actions }],
        },
      }),
    );
  };
  const status = (name: string, action: string) =>
    until(
      () => cpClient(h.emu.endpoint).send(new ListActionExecutionsCommand({ pipelineName: name })),
      (o) => o.actionExecutionDetails!.some((d) => d.actionName === action && d.status !== 'InProgress'),
      20_000,
    ).then((o) => o.actionExecutionDetails!.find((d) => d.actionName === action)!);
  let ready: Promise<unknown> | undefined;
  const setup = () =>
    (ready ??= (async () => {
      const s3 = s3Client(h.emu.endpoint);
      await s3.send(new CreateBucketCommand({ Bucket: 'run-src' }));
      await s3.send(new PutObjectCommand({ Bucket: 'run-src', Key: 'app.zip', Body: zipFiles([{ path: 'a.txt', data: Buffer.from('a') }]) }));
      await createCustomTypes(cpClient(h.emu.endpoint));
    })());

  it('Lambda handlers (a command, a JS module) report with a key the emulator issues for the account', async () => {
    await setup();
    const invoke = (name: string, FunctionName: string): ActionDeclaration => ({
      name,
      actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' },
      configuration: { FunctionName },
      inputArtifacts: [{ name: 'SourceOut' }],
    });
    await run('run-lambda', [invoke('Cmd', 'CommandReporter'), invoke('Js', 'Reporter')]);
    for (const action of ['Cmd', 'Js']) {
      const d = await status('run-lambda', action);
      expect([action, d.status]).toEqual([action, 'Succeeded']);
    }
  });

  it("a job worker's artifactCredentials read the input artifact from the emulator's S3", async () => {
    await setup();
    await run('run-worker', [{ name: 'Build', actionTypeId: BUILD_TYPE, configuration: { Project: 'p' }, inputArtifacts: [{ name: 'SourceOut' }] }]);
    const cp = cpClient(h.emu.endpoint);
    const job = await takeJob(cp, BUILD_TYPE);
    const c = job.data!.artifactCredentials!;
    expect(c.accessKeyId).toBe('ASIALOCAL111122223333');
    const artifacts = new S3Client({
      endpoint: h.emu.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: c.accessKeyId!, secretAccessKey: c.secretAccessKey!, sessionToken: c.sessionToken },
    });
    const loc = job.data!.inputArtifacts![0].location!.s3Location!;
    const body = await (await artifacts.send(new GetObjectCommand({ Bucket: loc.bucketName, Key: loc.objectKey }))).Body!.transformToByteArray();
    expect(Buffer.from(body.subarray(0, 2)).toString()).toBe('PK');
    await cp.send(new PutJobSuccessResultCommand({ jobId: job.id }));
    // An issued key for an account is no key for another: its secret is derived from the configured ones.
    const forged = await failure(cpClient(h.emu.endpoint, { accessKeyId: 'ASIALOCAL444455556666', secretAccessKey: c.secretAccessKey! }).send(new ListPipelinesCommand({})));
    expect(forged.name).toBe('InvalidSignatureException');
  });
});

describe('S3 with signatures verified', () => {
  const h = useEmulator({ credentials: CREDENTIALS });
  const bucket = 'signed-bucket';
  const objectUrl = (key: string) => `${h.emu.endpoint}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  let ready: Promise<unknown> | undefined;
  const setup = () => (ready ??= s3Client(h.emu.endpoint).send(new CreateBucketCommand({ Bucket: bucket })));

  it('accepts the SDK: keys with spaces, unicode and reserved characters, a ListObjects query', async () => {
    await setup();
    const s3 = s3Client(h.emu.endpoint);
    for (const key of ['plain.txt', 'dir/a b+c=d&e~é!(x)*.txt', 'percent%20literal', 'dots/./x/../y']) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `body of ${key}` }));
      expect(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString()).toBe(`body of ${key}`);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dir/a b', MaxKeys: 5 }));
    expect(listed.Contents!.map((c) => c.Key)).toEqual(['dir/a b+c=d&e~é!(x)*.txt']);
  });

  it('answers S3 errors: SignatureDoesNotMatch, InvalidAccessKeyId, RequestTimeTooSkewed, AccessDenied', async () => {
    await setup();
    const wrong = await failure(s3Client(h.emu.endpoint, { ...KEY, secretAccessKey: 'wrong' }).send(new GetObjectCommand({ Bucket: bucket, Key: 'plain.txt' })));
    expect(wrong.name).toBe('SignatureDoesNotMatch');
    expect(wrong.$metadata.httpStatusCode).toBe(403);
    expect(wrong.message).toBe('The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    const raw = await send(await signRequest('s3', 'GET', objectUrl('plain.txt'), { creds: { ...KEY, secretAccessKey: 'wrong' } }));
    const x = xmlError(raw.text);
    expect(x.AWSAccessKeyId).toBe(KEY.accessKeyId);
    expect(x.CanonicalRequest).toContain(`GET\n/${bucket}/plain.txt\n\nhost:`);
    expect(x.StringToSign).toMatch(/^AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/us-east-1\/s3\/aws4_request\n[0-9a-f]{64}$/);
    expect(x.StringToSignBytes.split(' ')[0]).toBe('41');

    const unknown = await failure(s3Client(h.emu.endpoint, { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' }).send(new GetObjectCommand({ Bucket: bucket, Key: 'plain.txt' })));
    expect(unknown.name).toBe('InvalidAccessKeyId');
    expect(unknown.$metadata.httpStatusCode).toBe(403);
    expect(unknown.message).toBe('The AWS Access Key Id you provided does not exist in our records.');

    const skewed = await failure(s3Client(h.emu.endpoint, KEY, { systemClockOffset: -20 * 60_000 }).send(new GetObjectCommand({ Bucket: bucket, Key: 'plain.txt' })));
    expect(skewed.name).toBe('RequestTimeTooSkewed');
    expect(skewed.$metadata.httpStatusCode).toBe(403);
    expect(skewed.message).toBe('The difference between the request time and the current time is too large.');

    const anonymous = await get(objectUrl('plain.txt'));
    expect(anonymous.status).toBe(403);
    expect(xmlError(anonymous.text)).toMatchObject({ Code: 'AccessDenied', Message: 'Access Denied' });
  });

  it('serves a presigned URL until it expires, and refuses a tampered one', async () => {
    await setup();
    const url = await presign('s3', objectUrl('dir/a b+c=d&e~é!(x)*.txt'));
    const ok = await get(url);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('body of dir/a b+c=d&e~é!(x)*.txt');
    const tampered = await get(url.replace('/dir/', '/DIR/'));
    expect(tampered.status).toBe(403);
    expect(xmlError(tampered.text).Code).toBe('SignatureDoesNotMatch');
    const expired = await get(await presign('s3', objectUrl('plain.txt'), { expiresIn: 60, date: new Date(Date.now() - 3600_000) }));
    expect(expired.status).toBe(403);
    const e = xmlError(expired.text);
    expect(e).toMatchObject({ Code: 'AccessDenied', Message: 'Request has expired', 'X-Amz-Expires': '60' });
    expect(e.Expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(e.ServerTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const tooLong = await get(url.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604801'));
    expect(xmlError(tooLong.text)).toMatchObject({ Code: 'AuthorizationQueryParametersError', Message: 'X-Amz-Expires must be less than a week (in seconds) that is 604800' });
  });

  it('checks x-amz-content-sha256 against the body: a mismatch is refused and nothing is stored', async () => {
    await setup();
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const signed = await signRequest('s3', 'PUT', objectUrl('hashed.txt'), { body: 'hello', headers: { 'x-amz-content-sha256': sha('hello') } });
    const bad = await send({ ...signed, body: 'HELLO' });
    expect(bad.status).toBe(400);
    expect(xmlError(bad.text)).toMatchObject({
      Code: 'XAmzContentSHA256Mismatch',
      Message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
      ClientComputedContentSHA256: sha('hello'),
      S3ComputedContentSHA256: sha('HELLO'),
    });
    expect((await failure(s3Client(h.emu.endpoint).send(new HeadObjectCommand({ Bucket: bucket, Key: 'hashed.txt' })))).name).toBe('NotFound');
    expect((await send(signed)).status).toBe(200);
    // UNSIGNED-PAYLOAD: the body is not hashed.
    const unsigned = await signRequest('s3', 'PUT', objectUrl('unsigned.txt'), { body: 'free', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect((await send({ ...unsigned, body: 'FREE' })).status).toBe(200);
    // A header added after signing.
    const added = await send({ ...signed, headers: { ...signed.headers, 'x-amz-meta-added': 'later' } });
    expect(added.status).toBe(403);
    expect(xmlError(added.text)).toMatchObject({ Code: 'AccessDenied', Message: 'There were headers present in the request which were not signed', HeadersNotSigned: 'x-amz-meta-added' });
    const invalid = await send(await signRequest('s3', 'PUT', objectUrl('x.txt'), { body: 'x', headers: { 'x-amz-content-sha256': 'nope' } }));
    expect(xmlError(invalid.text)).toMatchObject({ Code: 'InvalidArgument', ArgumentName: 'x-amz-content-sha256', ArgumentValue: 'nope' });
  });

  it('checks every aws-chunked chunk signature, chained from the seed: a tampered chunk is refused and nothing is stored', async () => {
    await setup();
    const data = Buffer.from(Buffer.alloc(200_000).map((_, i) => i % 251));
    const good = await send(await chunkedPut(objectUrl('chunked.bin'), data, 65536));
    expect(good.status).toBe(200);
    const stored = await (await s3Client(h.emu.endpoint).send(new GetObjectCommand({ Bucket: bucket, Key: 'chunked.bin' }))).Body!.transformToByteArray();
    expect(Buffer.from(stored).equals(data)).toBe(true);

    for (const tamper of [0, 3]) {
      const bad = await send(await chunkedPut(objectUrl(`tampered-${tamper}.bin`), data, 65536, { tamper }));
      expect(bad.status).toBe(403);
      const e = xmlError(bad.text);
      expect(e.Code).toBe('SignatureDoesNotMatch');
      expect(e.StringToSign).toMatch(/^AWS4-HMAC-SHA256-PAYLOAD\n/);
      expect((await failure(s3Client(h.emu.endpoint).send(new HeadObjectCommand({ Bucket: bucket, Key: `tampered-${tamper}.bin` })))).name).toBe('NotFound');
    }
  });

  it('checks the signature of trailing headers (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)', async () => {
    await setup();
    const data = Buffer.from('trailer body '.repeat(1000));
    const trailer = { name: 'x-amz-checksum-crc32', value: 'AAAAAA==' };
    const good = await send(await chunkedPut(objectUrl('trailed.txt'), data, 4096, { trailer }));
    expect(good.status).toBe(200);
    const bad = await send(await chunkedPut(objectUrl('trailed-bad.txt'), data, 4096, { trailer: { ...trailer, value: 'BBBBBB==', tamper: true } }));
    expect(bad.status).toBe(403);
    expect(xmlError(bad.text).StringToSign).toMatch(/^AWS4-HMAC-SHA256-TRAILER\n/);
    expect((await failure(s3Client(h.emu.endpoint).send(new HeadObjectCommand({ Bucket: bucket, Key: 'trailed-bad.txt' })))).name).toBe('NotFound');
  });

  it('a multipart upload whose parts are sent with signed chunks', async () => {
    await setup();
    const s3 = s3Client(h.emu.endpoint);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'multi.bin' }));
    const part1 = Buffer.alloc(5 * 1024 * 1024, 'a');
    const part2 = Buffer.from('the end');
    const partUrl = (n: number) => `${objectUrl('multi.bin')}?partNumber=${n}&uploadId=${encodeURIComponent(UploadId!)}`;
    const r1 = await send(await chunkedPut(partUrl(1), part1, 1024 * 1024));
    expect(r1.status).toBe(200);
    const bad = await send(await chunkedPut(partUrl(2), part2, 4, { tamper: 1 }));
    expect(bad.status).toBe(403);
    const r2 = await send(await chunkedPut(partUrl(2), part2, 4));
    expect(r2.status).toBe(200);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'multi.bin',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r1.headers.etag as string }, { PartNumber: 2, ETag: r2.headers.etag as string }] },
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'multi.bin' }));
    expect(head.ContentLength).toBe(part1.length + part2.length);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'other', UploadId: 'x' })).catch(() => undefined);
  });
});

describe('credentials files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-credentials-'));
  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };

  it('reads YAML, JSON, the AWS credentials INI format and a credentials: section of the local configuration', async () => {
    const { start } = await import('../src/index.js');
    const files = {
      credentialsFile: write('keys.yml', `credentials:\n  - accessKeyId: AKIDYAML\n    secretAccessKey: s1\n    accountId: "000011112222"\n`),
    };
    const cases: [Record<string, unknown>, string, string][] = [
      [files, 'AKIDYAML', '000011112222'],
      [{ credentialsFile: write('keys.json', JSON.stringify([{ accessKeyId: 'AKIDJSON', secretAccessKey: 's1' }])) }, 'AKIDJSON', '000000000000'],
      [{ credentialsFile: write('credentials', `[default]\naws_access_key_id = AKIDINI\naws_secret_access_key = s1\naws_account_id = 999988887777\n`) }, 'AKIDINI', '999988887777'],
      [{ configFile: write('codepipeline-local.yml', `credentials:\n  - {accessKeyId: AKIDCONF, secretAccessKey: s1}\n`) }, 'AKIDCONF', '000000000000'],
    ];
    for (const [options, accessKeyId, account] of cases) {
      const emu = await start({ port: 0, host: '127.0.0.1', inMemory: true, logLevel: 'silent', ...options });
      try {
        expect(emu.verifySignatures).toBe(true);
        const e = await failure(cpClient(emu.endpoint, { accessKeyId, secretAccessKey: 's1' }).send(new GetPipelineCommand({ name: 'p' })));
        expect(e.message).toBe(`Account '${account}' does not have a pipeline with name 'p'`);
        expect((await failure(cpClient(emu.endpoint, { accessKeyId: 'AKIDYAML2', secretAccessKey: 's1' }).send(new ListPipelinesCommand({})))).name).toBe('UnrecognizedClientException');
      } finally {
        await emu.stop();
      }
    }
  });

  it('refuses a file without keys or with a bad entry, naming the problem', async () => {
    const { start } = await import('../src/index.js');
    const opts = { port: 0, host: '127.0.0.1', inMemory: true, logLevel: 'silent' as const };
    await expect(start({ ...opts, credentialsFile: write('empty.yml', 'credentials: []\n') })).rejects.toThrow(/lists no access keys$/);
    await expect(start({ ...opts, credentialsFile: write('bad.yml', 'credentials:\n  - accessKeyId: A\n') })).rejects.toThrow('credentials[0].secretAccessKey must be a non-empty string');
    await expect(start({ ...opts, credentialsFile: path.join(dir, 'missing.yml') })).rejects.toThrow(/^cannot read the credentials file/);
    await expect(start({ ...opts, credentials: [{ accessKeyId: 'A', secretAccessKey: 's', accountId: '12' }] })).rejects.toThrow(
      "start({ credentials }): credentials[0].accountId must be 12 digits (quote it in YAML when it starts with 0)",
    );
  });

  it('without credentials nothing is verified: unsigned and wrongly signed calls are served as before', async () => {
    const { start } = await import('../src/index.js');
    const emu = await start({ port: 0, host: '127.0.0.1', inMemory: true, logLevel: 'silent' });
    try {
      expect(emu.verifySignatures).toBe(false);
      expect((await rawCall(emu.endpoint, 'CodePipeline_20150709.ListPipelines', '{}')).status).toBe(200);
      expect((await cpClient(emu.endpoint, { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' }).send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
      expect((await get(`${emu.endpoint}/`)).status).toBe(200);
    } finally {
      await emu.stop();
    }
  });
});
