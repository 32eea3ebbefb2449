// CloudFormation's NextToken: an opaque offset into the listing (base64 of JSON); a tampered one is ValidationError.
import { validationError } from './errors.js';

export function pageOf<T>(items: T[], size: number, token: string | undefined): { page: T[]; NextToken?: string } {
  let start = 0;
  if (token !== undefined) {
    try {
      const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
      if (!Number.isInteger(c?.o) || c.o < 0) throw new Error('bad');
      start = c.o;
    } catch {
      throw validationError('Invalid NextToken');
    }
  }
  const page = items.slice(start, start + size);
  return { page, ...(start + size < items.length && { NextToken: Buffer.from(JSON.stringify({ o: start + size })).toString('base64url') }) };
}
