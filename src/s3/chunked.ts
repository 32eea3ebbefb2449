// The aws-chunked body encoding (SigV4 streaming uploads: STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER],
// STREAMING-UNSIGNED-PAYLOAD-TRAILER): `hex-size[;chunk-signature=...]\r\n<data>\r\n` ... a zero-size
// chunk, optional trailer lines (x-amz-checksum-*: ..., x-amz-trailer-signature: ...), then `\r\n`.
// Signatures and checksums are not verified (the emulator never verifies signatures).
import { S3Error } from './errors.js';

const malformed = (why: string) => new S3Error('IncompleteBody', 400, `The aws-chunked request body is malformed: ${why}`);

const MAX_LINE = 4096;

/** Decodes an aws-chunked body into its payload bytes. */
export async function* decodeAwsChunked(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let buf = Buffer.alloc(0);
  let state: 'size' | 'data' | 'crlf' | 'trailer' | 'end' = 'size';
  let remaining = 0;
  for await (const input of source) {
    buf = buf.length === 0 ? Buffer.from(input) : Buffer.concat([buf, input]);
    for (;;) {
      if (state === 'data') {
        if (buf.length === 0) break;
        const n = Math.min(remaining, buf.length);
        yield buf.subarray(0, n);
        buf = buf.subarray(n);
        remaining -= n;
        if (remaining === 0) state = 'crlf';
        continue;
      }
      if (state === 'end') {
        buf = Buffer.alloc(0);
        break;
      }
      if (state === 'crlf') {
        if (buf.length < 2) break;
        if (buf[0] !== 0x0d || buf[1] !== 0x0a) throw malformed('a chunk does not end with CRLF');
        buf = buf.subarray(2);
        state = 'size';
        continue;
      }
      const eol = buf.indexOf('\r\n');
      if (eol < 0) {
        if (buf.length > MAX_LINE) throw malformed('a chunk header is too long');
        break;
      }
      const line = buf.subarray(0, eol).toString('latin1');
      buf = buf.subarray(eol + 2);
      if (state === 'size') {
        const m = /^([0-9a-fA-F]{1,16})(;.*)?$/.exec(line);
        if (!m) throw malformed('a chunk size is not hexadecimal');
        remaining = parseInt(m[1], 16);
        if (!Number.isSafeInteger(remaining)) throw malformed('a chunk size is too large');
        state = remaining === 0 ? 'trailer' : 'data';
      } else if (state === 'trailer') {
        if (line === '') state = 'end';
        // Trailer lines (checksums, trailer signature) are accepted and ignored.
      }
    }
  }
  // A body cut short before its final zero-size chunk is incomplete; a missing final CRLF after the
  // trailers is tolerated.
  if (state === 'size' || state === 'data' || state === 'crlf') throw malformed('the body ends before its final zero-size chunk');
}
