// The verifier against AWS's published examples: the SigV4 test suite (get-vanilla and friends, key
// AKIDEXAMPLE) and the S3 documentation's worked examples (key AKIAIOSFODNN7EXAMPLE): header, presigned
// URL and aws-chunked upload.
import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalUri,
  ChunkChain,
  ClaimError,
  EMPTY_SHA256,
  readClaim,
  sha256Hex,
  signingKey,
  UNSIGNED_PAYLOAD,
  verifyClaim,
  type RawRequest,
} from './sigv4.js';

const SUITE_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const S3_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

const req = (method: string, url: string, headers: Record<string, string>): RawRequest => ({
  method,
  url,
  headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v]])),
});

describe('SigV4 test suite (service style)', () => {
  const auth = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';

  it('get-vanilla', () => {
    const r = req('GET', '/', { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z', authorization: auth });
    const claim = readClaim(r);
    expect(claim.credential).toEqual({ accessKeyId: 'AKIDEXAMPLE', date: '20150830', region: 'us-east-1', service: 'service', scope: '20150830/us-east-1/service/aws4_request' });
    const v = verifyClaim(r, claim, SUITE_SECRET, [canonicalUri('/', 'service')], [EMPTY_SHA256]);
    expect(v.canonical).toBe(`GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`);
    expect(v.stringToSign).toBe('AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63');
    expect(v.ok).toBe(true);
  });

  it('get-relative-relative: dot segments are removed before signing', () => {
    expect(canonicalUri('/example1/example2/../..', 'service')).toBe('/');
    const r = req('GET', '/example1/example2/../..', { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z', authorization: auth });
    expect(verifyClaim(r, readClaim(r), SUITE_SECRET, [canonicalUri('/example1/example2/../..', 'service')], [EMPTY_SHA256]).ok).toBe(true);
  });

  it('a wrong secret or a changed header fails', () => {
    const r = req('GET', '/', { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z', authorization: auth });
    expect(verifyClaim(r, readClaim(r), 'other', ['/'], [EMPTY_SHA256]).ok).toBe(false);
    const moved = req('GET', '/', { host: 'evil.example.com', 'x-amz-date': '20150830T123600Z', authorization: auth });
    expect(verifyClaim(moved, readClaim(moved), SUITE_SECRET, ['/'], [EMPTY_SHA256]).ok).toBe(false);
  });

  it('service paths are encoded a second time; S3 paths are not', () => {
    expect(canonicalUri('/a%20b/c', 'service')).toBe('/a%2520b/c');
    expect(canonicalUri('/bucket/a%20b/c', 's3')).toBe('/bucket/a%20b/c');
    expect(canonicalUri('/bucket/a b//./c', 's3')).toBe('/bucket/a%20b//./c');
  });

  it('query parameters are sorted by name and value, encoded, without the signature', () => {
    expect(canonicalQuery('Param2=value2&Param1=value1')).toBe('Param1=value1&Param2=value2');
    expect(canonicalQuery('b=2&a=x%20y&a=%2B&flag&X-Amz-Signature=abc')).toBe('a=%2B&a=x%20y&b=2&flag=');
  });
});

describe('S3 documentation examples (AKIAIOSFODNN7EXAMPLE)', () => {
  it('GET Object with a header signature', () => {
    const r = req('GET', '/test.txt', {
      host: 'examplebucket.s3.amazonaws.com',
      range: 'bytes=0-9',
      'x-amz-content-sha256': EMPTY_SHA256,
      'x-amz-date': '20130524T000000Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    });
    const v = verifyClaim(r, readClaim(r), S3_SECRET, [canonicalUri('/test.txt', 's3')], [EMPTY_SHA256]);
    expect(v.canonical).toBe(
      `GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:${EMPTY_SHA256}\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n${EMPTY_SHA256}`,
    );
    expect(v.ok).toBe(true);
  });

  it('a presigned URL', () => {
    const url =
      '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
    const r = req('GET', url, { host: 'examplebucket.s3.amazonaws.com' });
    const claim = readClaim(r);
    expect(claim).toMatchObject({ presigned: true, expires: 86400, amzDate: '20130524T000000Z', signedHeaders: ['host'] });
    const v = verifyClaim(r, claim, S3_SECRET, ['/test.txt'], [UNSIGNED_PAYLOAD]);
    expect(v.canonical).toBe(
      'GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD',
    );
    expect(v.ok).toBe(true);
  });

  it('a chunked upload: seed signature, then every chunk chained from it', () => {
    const r = req('PUT', '/examplebucket/chunkObject.txt', {
      host: 's3.amazonaws.com',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '66560',
      'content-length': '66824',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
    });
    const claim = readClaim(r);
    expect(verifyClaim(r, claim, S3_SECRET, ['/examplebucket/chunkObject.txt'], ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD']).ok).toBe(true);
    const fail = () => new Error('chunk signature');
    const chain = () => new ChunkChain(signingKey(S3_SECRET, claim.credential), claim.amzDate, claim.credential.scope, claim.signature, fail);
    const ok = chain();
    ok.chunk('ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648', sha256Hex(Buffer.alloc(65536, 'a')));
    ok.chunk('0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497', sha256Hex(Buffer.alloc(1024, 'a')));
    ok.chunk('b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9', EMPTY_SHA256);
    // A tampered first chunk, or the chunks out of order, break the chain.
    expect(() => chain().chunk('ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648', sha256Hex(Buffer.alloc(65536, 'b')))).toThrow('chunk signature');
    expect(() => chain().chunk('0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497', sha256Hex(Buffer.alloc(1024, 'a')))).toThrow('chunk signature');
  });
});

describe('reading a claim', () => {
  const problem = (r: RawRequest) => {
    try {
      readClaim(r);
    } catch (e) {
      return (e as ClaimError).problem;
    }
    return undefined;
  };

  it('names what is missing or malformed', () => {
    expect(problem(req('GET', '/', {}))).toEqual({ kind: 'missing' });
    expect(problem(req('GET', '/', { authorization: 'AWS AKID:abc' }))).toEqual({ kind: 'unsupported', algorithm: 'AWS' });
    expect(problem(req('GET', '/', { authorization: 'AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/s/aws4_request' }))).toEqual({
      kind: 'incomplete',
      missing: ['Signature', 'SignedHeaders', 'date'],
    });
    expect(problem(req('GET', '/', { 'x-amz-date': '20150830T123600Z', authorization: 'AWS4-HMAC-SHA256 Credential=A/2015/x, SignedHeaders=host, Signature=00' }))).toEqual({
      kind: 'badCredential',
      credential: 'A/2015/x',
    });
    expect(problem(req('GET', '/', { 'x-amz-date': '20150831T000000Z', authorization: 'AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/s/aws4_request, SignedHeaders=host, Signature=00' }))).toEqual({
      kind: 'dateMismatch',
      scopeDate: '20150830',
      amzDate: '20150831T000000Z',
    });
    expect(problem(req('GET', '/?X-Amz-Credential=A%2F20150830%2Fus-east-1%2Fs3%2Faws4_request', {}))).toEqual({ kind: 'queryIncomplete' });
    const presigned = (expires: string) =>
      `/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20150830%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=${expires}&X-Amz-SignedHeaders=host&X-Amz-Signature=00`;
    expect(problem(req('GET', presigned('604801'), {}))).toEqual({ kind: 'badExpires', tooLong: true });
    expect(problem(req('GET', presigned('soon'), {}))).toEqual({ kind: 'badExpires', tooLong: false });
    expect(problem(req('GET', presigned('604800'), {}))).toBeUndefined();
  });
});
