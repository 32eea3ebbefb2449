// Signature verification (--credentials) through the Python clients: boto3 (conformance/scripts/
// sigv4_clients.py, with botocore's clock patched for the expired cases) and the AWS CLI v1, for the
// CodePipeline API and S3 (path encoding, multipart uploads, presigned URLs: botocore makes them with
// signature version 2 unless told s3v4, so both are verified).
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.js';
import { startEmulator } from './harness.js';
import { clientEnv } from './scripts/expected.js';
import { CREDENTIALS, get, KEY } from './sigv4Kit.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const SCRIPT = path.join(ROOT, 'conformance', 'scripts', 'sigv4_clients.py');
const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { env: clientEnv() }).status === 0;
const hasAws = spawnSync('aws', ['--version'], { env: clientEnv() }).status === 0;
const keyEnv = { AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey };
const MISMATCH_API =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ credentials: CREDENTIALS });
});
afterAll(() => emu?.stop());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a child asynchronously (the emulator shares this event loop). */
function run(cmd: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: clientEnv(env), timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!hasBoto3)('boto3 with signatures verified', () => {
  let out: any;
  beforeAll(async () => {
    const r = await run('python3', [SCRIPT, emu.endpoint, KEY.accessKeyId, KEY.secretAccessKey], {});
    if (r.code !== 0) throw new Error(`sigv4_clients.py failed: ${r.stderr}`);
    out = JSON.parse(r.stdout);
  }, 120_000);

  it('CodePipeline: a good key in its account; a wrong secret, an unknown key, a clock 20 minutes behind refused', () => {
    expect(out.api_list).toEqual([]);
    expect(out.api_account).toEqual({ code: 'PipelineNotFoundException', status: 400, message: "Account '111122223333' does not have a pipeline with name 'nope'" });
    expect(out.api_wrong_secret.code).toBe('InvalidSignatureException');
    expect(out.api_wrong_secret.status).toBe(400);
    expect(out.api_wrong_secret.message.startsWith(`${MISMATCH_API}\n\nThe Canonical String for this request should have been\n'POST\n/\n`)).toBe(true);
    expect(out.api_unknown_key).toEqual({ code: 'UnrecognizedClientException', status: 400, message: 'The security token included in the request is invalid.' });
    expect(out.api_expired.code).toBe('InvalidSignatureException');
    expect(out.api_expired.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
  });

  it('S3: reserved characters in keys, a multipart upload, presigned URLs, and the S3 errors', () => {
    expect(out.s3_bodies).toEqual(['body of py/a b+c=d&e~é!(x)*.txt', 'body of py/plain.txt']);
    expect(out.s3_listed).toEqual(['py/a b+c=d&e~é!(x)*.txt']);
    expect(out.s3_multipart).toEqual({ same: true, etag_parts: '2' });
    expect(out.s3_presigned).toEqual({ status: 200, body: 'body of py/a b+c=d&e~é!(x)*.txt' });
    expect(out.s3_presigned_expired.status).toBe(403);
    expect(out.s3_presigned_expired.body).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired<\/Message><Expires>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/Expires><ServerTime>/);
    // The same with signature version 4 (signature_version='s3v4').
    expect(out.s3_presigned_v4).toEqual({ status: 200, body: 'body of py/a b+c=d&e~é!(x)*.txt' });
    expect(out.s3_presigned_v4_expired.status).toBe(403);
    expect(out.s3_presigned_v4_expired.body).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message><X-Amz-Expires>60</X-Amz-Expires>');
    // An Authorization header of signature version 2 (signature_version='s3').
    expect(out.s3_v2_header).toBe('body of py/a b+c=d&e~é!(x)*.txt');
    expect(out.s3_v2_header_wrong).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(out.s3_wrong_secret).toEqual({
      code: 'SignatureDoesNotMatch',
      status: 403,
      message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    });
    expect(out.s3_unknown_key).toEqual({ code: 'InvalidAccessKeyId', status: 403, message: 'The AWS Access Key Id you provided does not exist in our records.' });
    expect(out.s3_skewed).toEqual({ code: 'RequestTimeTooSkewed', status: 403, message: 'The difference between the request time and the current time is too large.' });
  });
});

// Each `aws` run starts a Python interpreter: generous timeouts for a busy machine.
describe.skipIf(!hasAws)('the AWS CLI with signatures verified', () => {
  const aws = (args: string[], env: Record<string, string> = keyEnv) => run('aws', ['--endpoint-url', emu.endpoint, ...args], env);

  it('codepipeline: a good key works, a wrong secret and an unknown key are refused', async () => {
    const ok = await aws(['codepipeline', 'list-pipelines']);
    expect(ok.stderr).toBe('');
    expect(JSON.parse(ok.stdout)).toEqual({ pipelines: [] });
    const wrong = await aws(['codepipeline', 'list-pipelines'], { ...keyEnv, AWS_SECRET_ACCESS_KEY: 'wrong' });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('An error occurred (InvalidSignatureException) when calling the ListPipelines operation: The request signature we calculated does not match');
    const unknown = await aws(['codepipeline', 'list-pipelines'], { ...keyEnv, AWS_ACCESS_KEY_ID: 'AKIDUNKNOWN' });
    expect(unknown.stderr).toContain('An error occurred (UnrecognizedClientException) when calling the ListPipelines operation: The security token included in the request is invalid.');
  }, 120_000);

  it('s3: cp up and down (multipart above 8 MB) with reserved characters in the key, presign, a wrong secret refused', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-sigv4-cli-'));
    const file = path.join(tmp, 'big.bin');
    const data = Buffer.alloc(9 * 1024 * 1024, 'x');
    fs.writeFileSync(file, data);
    expect((await aws(['s3', 'mb', 's3://cli-bucket'])).code).toBe(0);
    const target = 's3://cli-bucket/dir/a b+c=d&e~é!(x).bin';
    const up = await aws(['s3', 'cp', file, target, '--no-progress']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const back = path.join(tmp, 'back.bin');
    expect((await aws(['s3', 'cp', target, back, '--no-progress'])).code).toBe(0);
    const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
    expect(md5(fs.readFileSync(back))).toBe(md5(data));
    const presigned = await aws(['s3', 'presign', target, '--expires-in', '120']);
    expect(presigned.code).toBe(0);
    const served = await get(presigned.stdout.trim());
    expect(served.status).toBe(200);
    expect(served.text.length).toBe(data.length);
    const wrong = await aws(['s3', 'ls', 's3://cli-bucket/'], { ...keyEnv, AWS_SECRET_ACCESS_KEY: 'wrong' });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('SignatureDoesNotMatch');
  }, 120_000);
});
