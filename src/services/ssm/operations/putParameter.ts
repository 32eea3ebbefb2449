// PutParameter: a new parameter (version 1), or with Overwrite a new version of an existing one.
import { DEFAULT_KEY_ID } from '../../../parameters/store.js';
import { ssmError } from '../errors.js';
import type { Handler } from '../handler.js';
import { checkNewName } from '../parameterNames.js';

const DATA_TYPES = ['text', 'aws:ec2:image', 'aws:ssm:integration'];
const MAX_VALUE = { Standard: 4096, Advanced: 8192 } as const;

export const putParameter: Handler<'PutParameter'> = (ctx, input) => {
  const { Name: name, Value: value } = input;
  checkNewName(name);
  if (input.Tags?.length && input.Overwrite)
    throw ssmError(
      'ValidationException',
      'tags and overwrite can\'t be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.',
    );
  const dataType = input.DataType ?? 'text';
  if (!DATA_TYPES.includes(dataType)) throw ssmError('ValidationException', `The following data type is not supported: ${dataType} (Data type names are all lowercase.)`);
  if (input.AllowedPattern !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${input.AllowedPattern})$`);
    } catch {
      throw ssmError('InvalidAllowedPatternException', `The allowed pattern ${input.AllowedPattern} is not a valid regular expression.`);
    }
    if (!re.test(value)) throw ssmError('ParameterPatternMismatchException', `Parameter value, cannot be validated against allowedPattern: ${input.AllowedPattern}`);
  }
  return ctx.store.tx(() => {
    const previous = ctx.store.parameters.get(ctx, name);
    if (previous && !input.Overwrite)
      throw ssmError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
    const type = input.Type ?? previous?.type;
    if (!type) throw ssmError('ValidationException', 'A parameter type is required when you create a parameter.');
    const tier = input.Tier === 'Advanced' || (input.Tier === undefined && previous?.tier === 'Advanced') ? 'Advanced' : 'Standard';
    if ([...value].length > MAX_VALUE[tier])
      throw ssmError(
        'ValidationException',
        tier === 'Standard'
          ? 'Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html'
          : 'Advanced tier parameters support a maximum parameter value of 8192 characters.',
      );
    const stored = ctx.store.parameters.put(ctx, {
      name,
      type,
      value,
      modified: ctx.clock.now(),
      tier,
      dataType,
      ...((input.Description ?? previous?.description) !== undefined && { description: input.Description ?? previous?.description }),
      ...((input.AllowedPattern ?? previous?.allowedPattern) !== undefined && { allowedPattern: input.AllowedPattern ?? previous?.allowedPattern }),
      ...(type === 'SecureString' && { keyId: input.KeyId ?? previous?.keyId ?? DEFAULT_KEY_ID }),
      ...((input.Tags ?? previous?.tags) && { tags: (input.Tags ?? previous?.tags)!.map((t) => ({ Key: t.Key, Value: t.Value })) }),
    });
    return { Version: stored.version, Tier: stored.tier as 'Standard' };
  });
};
