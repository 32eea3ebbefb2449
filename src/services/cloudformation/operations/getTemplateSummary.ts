import { validationError } from '../errors.js';
import type { Handler } from '../model/types.js';
import { requireStack } from '../stacks.js';
import { templateInfo } from '../templateInfo.js';
import { parsed, templateBodyOf } from '../templateSource.js';

/** A template's summary, from TemplateBody, TemplateURL or a stack's template. */
export const getTemplateSummary: Handler<'GetTemplateSummary'> = async (ctx, input) => {
  const given = [input.TemplateBody, input.TemplateURL, input.StackName, input.StackSetName].filter((x) => x !== undefined).length;
  if (given !== 1) throw validationError('Specify exactly one of TemplateBody, TemplateUrl, StackName or StackSetName.');
  if (input.StackSetName !== undefined) throw validationError('Stack sets are not supported by codepipeline-local.');
  const body = input.StackName !== undefined ? (requireStack(ctx, input.StackName).templateBody ?? '') : await templateBodyOf(ctx, input);
  const info = templateInfo(parsed(body));
  return {
    Parameters: info.parameters.map((p) => ({
      ParameterKey: p.key,
      ...(p.default !== undefined && { DefaultValue: p.default }),
      ParameterType: p.type,
      NoEcho: p.noEcho,
      ...(p.description !== undefined && { Description: p.description }),
      ParameterConstraints: p.allowedValues ? { AllowedValues: p.allowedValues } : {},
    })),
    ...(info.description !== undefined && { Description: info.description }),
    Capabilities: info.capabilities,
    ...(info.capabilitiesReason !== undefined && { CapabilitiesReason: info.capabilitiesReason }),
    ResourceTypes: info.resourceTypes,
    ...(info.version !== undefined && { Version: info.version }),
    ...(info.metadata !== undefined && { Metadata: info.metadata }),
    DeclaredTransforms: info.transforms,
  };
};
