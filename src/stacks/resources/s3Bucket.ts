// AWS::S3::Bucket: a bucket of the emulator's own S3 store (served on the same port). Without
// BucketName the name is generated as CloudFormation generates it (stack-logicalid-suffix, lowercase,
// at most 63 characters). A new BucketName replaces the bucket; a bucket that still holds objects is
// not deleted (DELETE_FAILED, as on AWS), and DeletionPolicy Retain keeps it.
import type { ObjectStore } from '../../services/s3/index.js';
import { S3Error } from '../../services/s3/errors.js';
import { ProvisionError, ReplacementRequired, type Provisioned, type ResourceProvisioner } from '../provisioners.js';

function attributes(name: string, region: string): Provisioned {
  return {
    physicalId: name,
    attributes: {
      Arn: `arn:aws:s3:::${name}`,
      DomainName: `${name}.s3.amazonaws.com`,
      RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
      DualStackDomainName: `${name}.s3.dualstack.${region}.amazonaws.com`,
      WebsiteURL: `http://${name}.s3-website-${region}.amazonaws.com`,
    },
  };
}

export function s3BucketProvisioner(objects: ObjectStore): ResourceProvisioner {
  return {
    async create(ctx, props) {
      const name = typeof props.BucketName === 'string' ? props.BucketName : ctx.generatedName(63).toLowerCase();
      try {
        const { created } = objects.createBucket(ctx.scope.account, ctx.scope.region, name);
        if (!created) throw new ProvisionError(`${name} already exists`);
      } catch (e) {
        if (e instanceof S3Error) throw new ProvisionError(e.code === 'InvalidBucketName' ? `Bucket name should not contain uppercase characters, and must be a valid bucket name: ${name}` : `${name} already exists`);
        throw e;
      }
      ctx.note(`created the bucket s3://${name}`);
      return attributes(name, ctx.scope.region);
    },
    async update(ctx, physicalId, props, previous) {
      if (props.BucketName !== previous.BucketName) throw new ReplacementRequired();
      return attributes(physicalId, ctx.scope.region);
    },
    async delete(ctx, physicalId) {
      if (!objects.getBucket(physicalId)) return;
      try {
        objects.deleteBucket(physicalId);
      } catch (e) {
        if (e instanceof S3Error && e.code === 'BucketNotEmpty')
          throw new ProvisionError('The bucket you tried to delete is not empty (Service: Amazon S3; Status Code: 409; Error Code: BucketNotEmpty)');
        throw e;
      }
      ctx.note(`deleted the bucket s3://${physicalId}`);
    },
  };
}
