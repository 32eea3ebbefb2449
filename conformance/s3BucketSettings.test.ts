// The two bucket reads the CDK makes before uploading assets, through the S3 client and raw HTTP:
// GetBucketLocation (empty for us-east-1, as S3 answers) and GetBucketEncryption (AES256 by default).
import { describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetBucketEncryptionCommand, GetBucketLocationCommand, PutBucketEncryptionCommand, S3Client } from '@aws-sdk/client-s3';
import { ACCOUNT, failure, useEmulator } from './harness.js';

const t = useEmulator();
const s3 = (region = 'us-east-1') =>
  new S3Client({ endpoint: t.emu.endpoint, region, forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });

describe('GetBucketLocation', () => {
  it('answers an empty LocationConstraint for us-east-1 and the region otherwise', async () => {
    await s3().send(new CreateBucketCommand({ Bucket: 'east-bucket' }));
    await s3('eu-west-1').send(new CreateBucketCommand({ Bucket: 'west-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    expect((await s3().send(new GetBucketLocationCommand({ Bucket: 'east-bucket' }))).LocationConstraint).toBeUndefined();
    expect((await s3('eu-west-1').send(new GetBucketLocationCommand({ Bucket: 'west-bucket' }))).LocationConstraint).toBe('eu-west-1');
    const raw = await fetch(`${t.emu.endpoint}/east-bucket?location`).then((r) => r.text());
    expect(raw).toBe('<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>');
  });
});

describe('GetBucketEncryption', () => {
  it('answers SSE-S3 (AES256), the default of every bucket', async () => {
    const out = await s3().send(new GetBucketEncryptionCommand({ Bucket: 'east-bucket' }));
    expect(out.ServerSideEncryptionConfiguration).toEqual({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] });
    const raw = await fetch(`${t.emu.endpoint}/east-bucket?encryption`);
    expect([raw.status, raw.headers.get('content-type'), await raw.text()]).toEqual([
      200,
      'application/xml',
      '<?xml version="1.0" encoding="UTF-8"?><ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>',
    ]);
  });

  it('a missing bucket is NoSuchBucket; setting the encryption is not implemented', async () => {
    const e = await failure(s3().send(new GetBucketEncryptionCommand({ Bucket: 'no-such-bucket' })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['NoSuchBucket', 404]);
    const put = await failure(
      s3().send(new PutBucketEncryptionCommand({ Bucket: 'east-bucket', ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } })),
    );
    expect([put.name, put.$metadata.httpStatusCode]).toEqual(['NotImplemented', 501]);
  });
});
