// What ValidateTemplate and GetTemplateSummary tell of a template: its parameters, description,
// required capabilities and why, resource types, transforms.
import type * as sdk from '@aws-sdk/client-cloudformation';
import { requiredCapabilities, type Template } from '../../stacks/template.js';

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (v === undefined ? undefined : Array.isArray(v) ? v.join(',') : String(v));

export interface TemplateInfo {
  parameters: { key: string; default?: string; type: string; noEcho: boolean; description?: string; allowedValues?: string[] }[];
  description?: string;
  capabilities: sdk.Capability[];
  capabilitiesReason?: string;
  resourceTypes: string[];
  transforms: string[];
  version?: string;
  metadata?: string;
}

export function templateInfo(t: Template): TemplateInfo {
  const params = isObject(t.Parameters) ? t.Parameters : {};
  const resources = Object.values(t.Resources as Record<string, any>);
  const capabilities = requiredCapabilities(t) as sdk.Capability[];
  const iamTypes = [...new Set(resources.map((r) => String(r.Type)).filter((x) => x.startsWith('AWS::IAM::')))];
  const reasons = [
    ...(iamTypes.length ? [`The following resource(s) require capabilities: [${iamTypes.join(', ')}]`] : []),
    ...(t.Transform !== undefined ? ['The template contains transforms'] : []),
  ];
  const transforms = t.Transform === undefined ? [] : (Array.isArray(t.Transform) ? t.Transform : [t.Transform]).map((x: unknown) => (isObject(x) ? String(x.Name) : String(x)));
  return {
    parameters: Object.entries(params).map(([key, p]) => ({
      key,
      ...(isObject(p) && p.Default !== undefined && { default: text(p.Default) }),
      type: isObject(p) && p.Type !== undefined ? String(p.Type) : 'String',
      noEcho: isObject(p) && String(p.NoEcho).toLowerCase() === 'true',
      ...(isObject(p) && typeof p.Description === 'string' && { description: p.Description }),
      ...(isObject(p) && Array.isArray(p.AllowedValues) && { allowedValues: p.AllowedValues.map(String) }),
    })),
    ...(typeof t.Description === 'string' && { description: t.Description }),
    capabilities,
    ...(reasons.length && { capabilitiesReason: reasons.join('; ') }),
    resourceTypes: [...new Set(resources.map((r) => String(r.Type)))],
    transforms,
    ...(t.AWSTemplateFormatVersion !== undefined && { version: String(t.AWSTemplateFormatVersion) }),
    ...(t.Metadata !== undefined && { metadata: JSON.stringify(t.Metadata) }),
  };
}
