// ListBuckets (GET /): the caller's buckets, optionally those under ?prefix.
import type { Operation } from '../request.js';
import { ownerOf, sendXml } from '../response.js';
import { isoTime } from '../xml.js';

export const listBuckets: Operation = (r) => {
  const prefix = r.query.get('prefix') ?? '';
  const buckets = r.deps.objects.listBuckets(r.caller.account).filter((b) => b.name.startsWith(prefix));
  sendXml(r, 'ListAllMyBucketsResult', {
    Owner: ownerOf(r.caller.account),
    Buckets: buckets.length ? { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: isoTime(b.created), BucketRegion: b.region })) } : '',
    ...(r.query.has('prefix') && { Prefix: prefix }),
  });
};
