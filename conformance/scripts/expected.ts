// What the service answers for a stored declaration: the input with AWS's defaults filled in
// (runOrder 1, empty artifact lists and configuration, V1, SUPERSEDED). Used by the CLI and boto3 tests.
import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';

export function withDefaults(decl: PipelineDeclaration, version = 1): PipelineDeclaration {
  return {
    ...decl,
    stages: decl.stages!.map((stage) => ({
      ...stage,
      actions: stage.actions!.map((a) => ({
        ...a,
        runOrder: a.runOrder ?? 1,
        configuration: a.configuration ?? {},
        outputArtifacts: a.outputArtifacts ?? [],
        inputArtifacts: a.inputArtifacts ?? [],
      })),
    })),
    version,
    executionMode: decl.executionMode ?? 'SUPERSEDED',
    pipelineType: decl.pipelineType ?? 'V1',
  };
}

/** The environment of a child AWS client: a 12-digit key id (= the account), no shared config files. */
export function clientEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  return {
    ...env,
    AWS_ACCESS_KEY_ID: '123456789012',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    ...extra,
  };
}
