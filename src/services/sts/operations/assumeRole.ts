import { AwsError } from '../../../protocol/errors.js';
import { credentialsFor, principalId } from '../credentials.js';
import type { Handler } from '../model/types.js';

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;

/** Credentials acting in the role's account (every role is assumable: the emulator has no IAM). */
export const assumeRole: Handler<'AssumeRole'> = (ctx, input) => {
  const m = ROLE_ARN.exec(input.RoleArn);
  if (!m) throw new AwsError('ValidationError', `${input.RoleArn} is invalid`);
  const [, partition, account, roleName] = m;
  const seconds = input.DurationSeconds ?? 3600;
  const user = {
    AssumedRoleId: `${principalId('AROA', `${account}/${roleName}`)}:${input.RoleSessionName}`,
    Arn: `arn:${partition}:sts::${account}:assumed-role/${roleName}/${input.RoleSessionName}`,
  };
  return {
    Credentials: credentialsFor(ctx, account, seconds, { arn: user.Arn, userId: user.AssumedRoleId }),
    AssumedRoleUser: user,
    ...(input.SourceIdentity !== undefined && { SourceIdentity: input.SourceIdentity }),
  };
};
