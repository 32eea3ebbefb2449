// Operation name -> handler for every operation of Secrets Manager's model: a missing, extra or misspelled
// one does not compile. Secrets, values and versions are implemented; every other operation answers
// NotImplementedException (501) naming it.
import type { Handlers } from '../handler.js';
import { unimplemented } from '../errors.js';
import { createSecret } from './createSecret.js';
import { getSecretValue } from './getSecretValue.js';
import { putSecretValue } from './putSecretValue.js';
import { updateSecret } from './updateSecret.js';
import { describeSecret } from './describeSecret.js';
import { listSecrets } from './listSecrets.js';
import { deleteSecret } from './deleteSecret.js';
import { restoreSecret } from './restoreSecret.js';
import { getRandomPassword } from './getRandomPassword.js';
import { listSecretVersionIds } from './listSecretVersionIds.js';

export const operationHandlers: Handlers = {
  CreateSecret: createSecret,
  GetSecretValue: getSecretValue,
  PutSecretValue: putSecretValue,
  UpdateSecret: updateSecret,
  DescribeSecret: describeSecret,
  ListSecrets: listSecrets,
  DeleteSecret: deleteSecret,
  RestoreSecret: restoreSecret,
  GetRandomPassword: getRandomPassword,
  ListSecretVersionIds: listSecretVersionIds,
  BatchGetSecretValue: unimplemented('BatchGetSecretValue'),
  CancelRotateSecret: unimplemented('CancelRotateSecret'),
  DeleteResourcePolicy: unimplemented('DeleteResourcePolicy'),
  GetResourcePolicy: unimplemented('GetResourcePolicy'),
  PutResourcePolicy: unimplemented('PutResourcePolicy'),
  RemoveRegionsFromReplication: unimplemented('RemoveRegionsFromReplication'),
  ReplicateSecretToRegions: unimplemented('ReplicateSecretToRegions'),
  RotateSecret: unimplemented('RotateSecret'),
  StopReplicationToReplica: unimplemented('StopReplicationToReplica'),
  TagResource: unimplemented('TagResource'),
  UntagResource: unimplemented('UntagResource'),
  UpdateSecretVersionStage: unimplemented('UpdateSecretVersionStage'),
  ValidateResourcePolicy: unimplemented('ValidateResourcePolicy'),
};

/** The same table for the dispatcher, which looks an operation up by the name a request gives. */
export const handlers: Record<string, ((ctx: any, input: any) => unknown) | undefined> = operationHandlers;
