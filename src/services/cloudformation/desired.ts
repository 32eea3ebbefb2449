// What a CreateStack, UpdateStack or CreateChangeSet asks a stack to become: the template (inline, from
// S3, or the previous one), parameter values (given, previous, defaults), capabilities checked against
// what the template requires, tags. Refused with CloudFormation's errors and messages.
import type { StackDocument, StackTemplate } from '../../stacks/documents.js';
import { requiredCapabilities, resolveParameters, TemplateError } from '../../stacks/template.js';
import type { Ctx } from './context.js';
import { cfnError, validationError } from './errors.js';
import type { PendingOperation } from './pendingOperation.js';
import { parsed, templateBodyOf } from './templateSource.js';

export interface DesiredInput {
  TemplateBody?: string;
  TemplateURL?: string;
  UsePreviousTemplate?: boolean;
  Parameters?: { ParameterKey?: string; ParameterValue?: string; UsePreviousValue?: boolean }[];
  Capabilities?: string[];
  Tags?: { Key: string; Value: string }[];
  RoleARN?: string;
}

export async function desiredOf(ctx: Ctx, input: DesiredInput, previous: StackDocument | undefined): Promise<StackTemplate> {
  let templateBody: string;
  if (input.UsePreviousTemplate) {
    if (input.TemplateBody !== undefined || input.TemplateURL !== undefined)
      throw validationError('You cannot specify both usePreviousTemplate and Template Body/Template URL');
    if (previous?.templateBody === undefined) throw validationError('No previous template to use: the stack has no template yet.');
    templateBody = previous.templateBody;
  } else templateBody = await templateBodyOf(ctx, input);
  const template = parsed(templateBody);
  const given: Record<string, string> = {};
  for (const p of input.Parameters ?? []) {
    if (p.ParameterKey === undefined) continue;
    if (p.UsePreviousValue) {
      const before = previous?.parameters[p.ParameterKey];
      if (before === undefined)
        throw validationError(`Invalid input for parameter key ${p.ParameterKey}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`);
      given[p.ParameterKey] = before;
    } else given[p.ParameterKey] = p.ParameterValue ?? '';
  }
  let parameters: Record<string, string>;
  try {
    parameters = resolveParameters(template, given);
  } catch (e) {
    if (e instanceof TemplateError) throw validationError(e.message);
    throw e;
  }
  const capabilities = input.Capabilities ?? [];
  const missing = requiredCapabilities(template).filter((cap) => !capabilities.includes(cap) && !(cap === 'CAPABILITY_IAM' && capabilities.includes('CAPABILITY_NAMED_IAM')));
  if (missing.length) throw cfnError('InsufficientCapabilitiesException', `Requires capabilities : [${missing.join(', ')}]`);
  // Tags not given keep the stack's (UpdateStack and change sets of an existing stack).
  const tags = input.Tags ? Object.fromEntries(input.Tags.map((t) => [t.Key, t.Value])) : { ...(previous?.tags ?? {}) };
  return { templateBody, template, parameters, capabilities, tags, ...(input.RoleARN !== undefined && { roleArn: input.RoleARN }) };
}

/** The part of a desired state kept durably with a pending operation. */
export const storedDesired = (d: StackTemplate): NonNullable<PendingOperation['desired']> => ({
  templateBody: d.templateBody,
  parameters: d.parameters,
  capabilities: d.capabilities,
  tags: d.tags,
  ...(d.roleArn !== undefined && { roleArn: d.roleArn }),
});
