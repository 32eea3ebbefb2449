import type { Handler } from '../model/types.js';
import { templateInfo } from '../templateInfo.js';
import { parsed, templateBodyOf } from '../templateSource.js';

export const validateTemplate: Handler<'ValidateTemplate'> = async (ctx, input) => {
  const info = templateInfo(parsed(await templateBodyOf(ctx, input)));
  return {
    Parameters: info.parameters.map((p) => ({
      ParameterKey: p.key,
      ...(p.default !== undefined && { DefaultValue: p.default }),
      NoEcho: p.noEcho,
      ...(p.description !== undefined && { Description: p.description }),
    })),
    ...(info.description !== undefined && { Description: info.description }),
    Capabilities: info.capabilities,
    ...(info.capabilitiesReason !== undefined && { CapabilitiesReason: info.capabilitiesReason }),
    DeclaredTransforms: info.transforms,
  };
};
