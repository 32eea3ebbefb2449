// The aws-chunked body encoding (SigV4 streaming uploads: STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER],
// STREAMING-UNSIGNED-PAYLOAD-TRAILER): `hex-size[;chunk-signature=...]\r\n<data>\r\n` ... a zero-size
// chunk, optional trailer lines (x-amz-checksum-*: ..., x-amz-trailer-signature: ...), then `\r\n`.
// Chunk signatures are checked when signatures are verified (a ChunkSignatures is given); trailing
// checksums are not verified.
import { createHash, type Hash } from 'node:crypto';
import { S3Error } from './errors.js';

/** Checks each chunk's signature as it completes (see protocol/sigv4.ts ChunkChain); throws to refuse the body. */
export interface ChunkSignatures {
  chunk(signature: string | undefined, dataSha256: string): void;
  /** `lines`: the trailing headers but the signature line. */
  trailer(signature: string | undefined, lines: string[]): void;
}

export interface ChunkVerification {
  chain: ChunkSignatures;
  /** The body ends with trailing headers signed by x-amz-trailer-signature (…-PAYLOAD-TRAILER). */
  trailer: boolean;
}

const malformed = (why: string) => new S3Error('IncompleteBody', 400, `The aws-chunked request body is malformed: ${why}`);

const MAX_LINE = 4096;

/** Decodes an aws-chunked body into its payload bytes. */
export async function* decodeAwsChunked(source: AsyncIterable<Uint8Array>, verify?: ChunkVerification): AsyncGenerator<Buffer> {
  let buf = Buffer.alloc(0);
  let state: 'size' | 'data' | 'crlf' | 'trailer' | 'end' = 'size';
  let remaining = 0;
  let signature: string | undefined;
  let hash: Hash | undefined;
  const trailerLines: string[] = [];
  let trailerSignature: string | undefined;
  let trailerChecked = false;
  const checkTrailer = () => {
    if (!verify?.trailer || trailerChecked) return;
    trailerChecked = true;
    verify.chain.trailer(trailerSignature, trailerLines);
  };
  for await (const input of source) {
    buf = buf.length === 0 ? Buffer.from(input) : Buffer.concat([buf, input]);
    for (;;) {
      if (state === 'data') {
        if (buf.length === 0) break;
        const n = Math.min(remaining, buf.length);
        const piece = buf.subarray(0, n);
        buf = buf.subarray(n);
        remaining -= n;
        hash?.update(piece);
        // The chunk's signature is checked before its last bytes are passed on.
        if (remaining === 0) {
          state = 'crlf';
          if (verify) verify.chain.chunk(signature, hash!.digest('hex'));
        }
        yield piece;
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
        signature = /;chunk-signature=([0-9a-f]{64})$/.exec(m[2] ?? '')?.[1];
        if (verify) hash = createHash('sha256');
        state = remaining === 0 ? 'trailer' : 'data';
        if (remaining === 0 && verify) verify.chain.chunk(signature, hash!.digest('hex'));
      } else if (state === 'trailer') {
        if (line === '') {
          state = 'end';
          checkTrailer();
        } else if (/^x-amz-trailer-signature:/i.test(line)) trailerSignature = line.slice(line.indexOf(':') + 1).trim();
        else trailerLines.push(line);
        // Trailing checksums are accepted without being verified.
      }
    }
  }
  // A body cut short before its final zero-size chunk is incomplete; a missing final CRLF after the
  // trailers is tolerated.
  if (state === 'size' || state === 'data' || state === 'crlf') throw malformed('the body ends before its final zero-size chunk');
  checkTrailer();
}
