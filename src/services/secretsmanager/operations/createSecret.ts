// CreateSecret: a new secret, with a first version (AWSCURRENT) when a value is given.
import type { Handler } from '../handler.js';
import { smError } from '../errors.js';
import { givenValue } from '../secrets.js';

const NAME = /^[A-Za-z0-9/_+=.@-]+$/;

export const createSecret: Handler<'CreateSecret'> = (ctx, input) => {
  if (!NAME.test(input.Name))
    throw smError('InvalidParameterException', 'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
  const given = givenValue(input);
  return ctx.store.tx(() => {
    const existing = ctx.store.secrets.find(ctx, input.Name);
    if (existing?.deletedDate !== undefined)
      throw smError('InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion.");
    if (existing) throw smError('ResourceExistsException', `The operation failed because the secret ${input.Name} already exists.`);
    const secret = ctx.store.secrets.create(ctx, input.Name, given?.value, ctx.clock.now(), {
      ...(input.Description !== undefined && { description: input.Description }),
      ...(input.KmsKeyId !== undefined && { kmsKeyId: input.KmsKeyId }),
      ...(input.Tags && { tags: input.Tags.map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })) }),
      ...(input.ClientRequestToken !== undefined && { versionId: input.ClientRequestToken }),
      ...(given?.binary && { binary: true }),
    });
    return { ARN: secret.arn, Name: secret.name, ...(secret.versions[0] && { VersionId: secret.versions[0].id }) };
  });
};
