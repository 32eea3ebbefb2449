// ARNs as AWS builds them for CodePipeline resources.
export const pipelineArn = (region: string, account: string, name: string) => `arn:aws:codepipeline:${region}:${account}:${name}`;
export const webhookArn = (region: string, account: string, name: string) =>
  `arn:aws:codepipeline:${region}:${account}:webhook:${name}`;
export const actionTypeArn = (region: string, account: string, category: string, owner: string, provider: string, version: string) =>
  `arn:aws:codepipeline:${region}:${account}:actiontype:${owner}/${category}/${provider}/${version}`;

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const m = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(arn);
  if (!m) return undefined;
  return { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] };
}
