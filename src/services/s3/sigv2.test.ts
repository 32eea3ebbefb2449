// S3's signature version 2 against the S3 documentation's examples (bucket johnsmith, key AKIAIOSFODNN7EXAMPLE).
import { describe, expect, it } from 'vitest';
import { KeyRing } from '../../protocol/credentials.js';
import type { RawRequest } from '../../protocol/sigv4.js';
import { S3Error } from './errors.js';
import { authenticateV2, stringToSignV2 } from './sigv2.js';

const keys = new KeyRing([{ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', accountId: '123456789012' }]);
const req = (method: string, url: string, headers: Record<string, string>): RawRequest => ({
  method,
  url,
  headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
});
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as S3Error).code;
  }
  return undefined;
};

describe('signature version 2', () => {
  it('an Authorization header (Object GET)', () => {
    const date = 'Tue, 27 Mar 2007 19:36:42 +0000';
    const r = req('GET', '/johnsmith/photos/puppy.jpg', { date, authorization: 'AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=' });
    expect(stringToSignV2(r, date)).toBe('GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg');
    expect(authenticateV2(keys, r, Date.parse(date))).toEqual({ account: '123456789012' });
    expect(code(() => authenticateV2(keys, { ...r, url: '/johnsmith/photos/kitten.jpg' }, Date.parse(date)))).toBe('SignatureDoesNotMatch');
    expect(code(() => authenticateV2(keys, r, Date.parse(date) + 16 * 60_000))).toBe('RequestTimeTooSkewed');
  });

  it('a presigned URL (query string) until it expires', () => {
    const url = '/johnsmith/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620';
    const r = req('GET', url, {});
    expect(authenticateV2(keys, r, 1175139620_000 - 1000)).toEqual({ account: '123456789012' });
    expect(code(() => authenticateV2(keys, r, 1175139620_000 + 1000))).toBe('AccessDenied');
    expect(code(() => authenticateV2(keys, req('GET', url.replace('AKIAIOSFODNN7EXAMPLE', 'AKIDOTHER'), {}), 0))).toBe('InvalidAccessKeyId');
  });

  it('signs sub-resources and x-amz- headers', () => {
    const r = req('PUT', '/b/k?partNumber=2&uploadId=abc&foo=bar', { 'x-amz-meta-b': ' two ', 'x-amz-date': 'd', 'content-type': 'text/plain' });
    expect(stringToSignV2(r, '')).toBe('PUT\n\ntext/plain\n\nx-amz-date:d\nx-amz-meta-b:two\n/b/k?partNumber=2&uploadId=abc');
    expect(stringToSignV2(req('POST', '/b/k?uploads', {}), '1')).toBe('POST\n\n\n1\n/b/k?uploads');
  });
});
