// CreateBucket (PUT /bucket): in the caller's region, or the body's LocationConstraint.
import { validRegion } from '../../../protocol/auth.js';
import { s3err } from '../errors.js';
import { smallBody, type Operation } from '../request.js';
import { send } from '../response.js';
import { validBucketName } from '../store.js';
import { parseXml, text } from '../xml.js';

export const createBucket: Operation = async (r) => {
  // The name is checked before the body is read (as S3: InvalidBucketName, not MalformedXML).
  if (!validBucketName(r.bucket)) throw s3err.invalidBucketName(r.bucket);
  const body = await smallBody(r);
  let region = r.caller.region;
  if (body.trim() !== '') {
    const doc = await parseXml(body);
    const conf = doc?.CreateBucketConfiguration;
    if (!conf) throw s3err.malformedXml();
    const constraint = text(conf, 'LocationConstraint');
    if (constraint !== undefined && constraint !== '' && !validRegion(constraint)) throw s3err.invalidLocationConstraint(constraint);
    if (constraint) region = constraint;
  }
  const { created } = r.deps.objects.createBucket(r.caller.account, region, r.bucket);
  // us-east-1 answers 200 again to its owner (as S3); other regions BucketAlreadyOwnedByYou.
  if (!created && r.caller.region !== 'us-east-1') throw s3err.bucketAlreadyOwnedByYou(r.bucket);
  send(r, 200, { location: `/${r.bucket}` });
};
