// Structural validation of CreatePipeline / UpdatePipeline declarations, through the SDK: one test per
// rule (exact error name, HTTP 400, message), and complex pipelines that must be accepted.
import { describe, expect, it } from 'vitest';
import {
  CreateCustomActionTypeCommand,
  CreatePipelineCommand,
  GetPipelineCommand,
  UpdatePipelineCommand,
  type ActionDeclaration,
  type PipelineDeclaration,
  type StageDeclaration,
} from '@aws-sdk/client-codepipeline';
import { failure, useEmulator } from './harness.js';
import { fixturePipeline, samplePipeline } from './fixtures.js';

const t = useEmulator();

let seq = 0;
/** A fresh copy of the sample pipeline (S3 source, CodeBuild, Manual approval, S3 deploy) under a unique name. */
const base = (): PipelineDeclaration => samplePipeline(`structure-${++seq}`);
const v2 = (): PipelineDeclaration => fixturePipeline('v2-variables-triggers.json', `structure-v2-${++seq}`);

const approval = (name: string, runOrder = 1): ActionDeclaration => ({
  name,
  runOrder,
  actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
});
const build = (name: string, inputs: string[], outputs: string[] = [], runOrder = 1): ActionDeclaration => ({
  name,
  runOrder,
  actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
  configuration: { ProjectName: 'p' },
  inputArtifacts: inputs.map((name) => ({ name })),
  outputArtifacts: outputs.map((name) => ({ name })),
});
const approvalStage = (name: string): StageDeclaration => ({ name, actions: [approval('Approve')] });

const create = (pipeline: PipelineDeclaration) => t.cp.send(new CreatePipelineCommand({ pipeline }));

/** Creating `pipeline` fails with exactly this AWS error. */
async function rejects(pipeline: PipelineDeclaration, name: string, message: string) {
  const e = await failure(create(pipeline));
  expect({ name: e.name, status: e.$metadata?.httpStatusCode, message: e.message }).toEqual({ name, status: 400, message });
}

describe('stages', () => {
  it('requires at least 2 stages', async () => {
    const p = base();
    p.stages = p.stages!.slice(0, 1);
    await rejects(p, 'InvalidStructureException', 'Pipeline has only 1 stage(s). There should be a minimum of 2 stages in a pipeline');
  });

  it('allows at most 50 stages', async () => {
    const p = base();
    p.stages = [p.stages![0], ...Array.from({ length: 50 }, (_, i) => approvalStage(`Stage${i}`))];
    await rejects(p, 'InvalidStructureException', 'Pipeline has 51 stages. There should be a maximum of 50 stages in a pipeline');
    p.stages.pop();
    expect((await create(p)).pipeline?.stages).toHaveLength(50);
  });

  it('requires unique stage names', async () => {
    const p = base();
    p.stages![3].name = 'Build';
    await rejects(p, 'InvalidStructureException', "Pipeline contains more than one stage named 'Build'. Stage names must be unique within a pipeline");
  });

  it('requires at least one action per stage', async () => {
    const p = base();
    p.stages![2].actions = [];
    await rejects(p, 'InvalidStageDeclarationException', "Stage 'Approve' has no actions. There should be a minimum of 1 action in a stage");
  });

  it('allows at most 50 actions per stage', async () => {
    const p = base();
    p.stages![2].actions = Array.from({ length: 51 }, (_, i) => approval(`A${i}`, (i % 3) + 1));
    await rejects(p, 'InvalidStageDeclarationException', "Stage 'Approve' has 51 actions. There should be a maximum of 50 actions in a stage");
    p.stages![2].actions.pop();
    expect((await create(p)).pipeline?.stages?.[2].actions).toHaveLength(50);
  });

  it('requires unique action names within a stage, but not across stages', async () => {
    const p = base();
    p.stages![2].actions!.push(approval('Approval', 2));
    await rejects(p, 'InvalidStageDeclarationException', "Stage 'Approve' contains more than one action named 'Approval'. Action names must be unique within a stage");
    const ok = base();
    ok.stages![2].actions![0].name = 'Build';
    await create(ok);
  });

  it('requires unique blocker names within a stage', async () => {
    const p = base();
    p.stages![2].blockers = [
      { name: 'Nightly', type: 'Schedule' },
      { name: 'Nightly', type: 'Schedule' },
    ];
    await rejects(p, 'InvalidBlockerDeclarationException', "Stage 'Approve' contains more than one blocker named 'Nightly'. Blocker names must be unique within a stage");
  });

  it('allows only source actions in the first stage', async () => {
    const p = base();
    p.stages![0].actions!.push(approval('Gate', 2));
    await rejects(p, 'InvalidStructureException', "Action 'Gate' in stage 'Source' is not a source action. The first stage of a pipeline can contain only source actions");
  });

  it('allows source actions only in the first stage', async () => {
    const p = base();
    p.stages![2].actions!.push({ ...p.stages![0].actions![0], name: 'Late', outputArtifacts: [{ name: 'LateOutput' }] });
    await rejects(p, 'InvalidStructureException', "Source action 'Late' is in stage 'Approve'. Source actions can only be in the first stage of a pipeline");
  });
});

describe('action types', () => {
  it('rejects an action type that does not exist, naming it and the region', async () => {
    const p = base();
    p.stages![1].actions![0].actionTypeId = { category: 'Build', owner: 'ThirdParty', provider: 'Jenkins', version: '1' };
    await rejects(
      p,
      'InvalidActionDeclarationException',
      "ActionType (Category: 'Build', Provider: 'Jenkins', Owner: 'ThirdParty', Version: '1') in action 'Build' is not available in region 'US_EAST_1'",
    );
  });

  it('rejects too few input artifacts', async () => {
    const p = base();
    p.stages![1].actions![0].inputArtifacts = [];
    await rejects(p, 'InvalidActionDeclarationException', 'Action Build declares 0 input artifacts which is less than the minimum count (1)');
  });

  it('rejects too many output artifacts', async () => {
    const p = base();
    p.stages![0].actions![0].outputArtifacts = [{ name: 'SourceOutput' }, { name: 'Extra' }];
    await rejects(p, 'InvalidActionDeclarationException', 'Action Source declares 2 output artifacts which is greater than the maximum count (1)');
  });

  it('rejects a manual approval with artifacts', async () => {
    const p = base();
    p.stages![2].actions![0].inputArtifacts = [{ name: 'BuildOutput' }];
    await rejects(p, 'InvalidActionDeclarationException', 'Action Approval declares 1 input artifacts which is greater than the maximum count (0)');
  });

  it('requires the required configuration properties', async () => {
    const p = base();
    p.stages![1].actions![0].configuration = {};
    await rejects(p, 'InvalidActionDeclarationException', "Action configuration for action 'Build' is missing required configuration 'ProjectName'");
  });

  it('rejects unknown configuration keys', async () => {
    const p = base();
    p.stages![1].actions![0].configuration = { ProjectName: 'app-build', Projectname: 'typo' };
    await rejects(p, 'InvalidActionDeclarationException', "Action configuration for action 'Build' contains unknown configuration 'Projectname'");
  });

  it('rejects a commands field on a non-compute action', async () => {
    const p = base();
    p.stages![1].actions![0].commands = ['make'];
    await rejects(
      p,
      'InvalidActionDeclarationException',
      'The following action cannot contain a commands field: Build. To use the commands field, use a compute action.',
    );
  });

  it('requires commands on a compute action', async () => {
    const p = v2();
    delete p.stages![1].actions![0].commands;
    await rejects(p, 'InvalidActionDeclarationException', 'Action UnitTests must have a non-empty commands field');
  });

  it('accepts a masked secret only when updating an existing action', async () => {
    await t.cp.send(
      new CreateCustomActionTypeCommand({
        category: 'Deploy',
        provider: 'SecretDeployer',
        version: '1',
        configurationProperties: [
          { name: 'Target', required: true, key: true, secret: false },
          { name: 'Token', required: false, key: false, secret: true },
        ],
        inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      }),
    );
    const p = base();
    p.stages![3].actions = [
      {
        name: 'Custom',
        actionTypeId: { category: 'Deploy', owner: 'Custom', provider: 'SecretDeployer', version: '1' },
        configuration: { Target: 'prod', Token: '****' },
      },
    ];
    await rejects(
      p,
      'InvalidActionDeclarationException',
      'Action configuration for the new action "Custom" contains an invalid configuration for the secret property "Token". "****" may be used in secret properties only when updating an existing action.',
    );
    p.stages![3].actions[0].configuration = { Target: 'prod', Token: 's3cr3t' };
    await create(p);
    p.stages![3].actions[0].configuration = { Target: 'prod', Token: '****' };
    expect((await t.cp.send(new UpdatePipelineCommand({ pipeline: p }))).pipeline?.version).toBe(2);
  });
});

describe('artifacts and namespaces', () => {
  it('requires unique output artifact names across the pipeline', async () => {
    const p = base();
    p.stages![1].actions![0].outputArtifacts = [{ name: 'SourceOutput' }];
    await rejects(
      p,
      'InvalidActionDeclarationException',
      "Output artifact name 'SourceOutput' in action 'Build' in stage 'Build' is not unique. Output artifact names must be unique within a pipeline",
    );
  });

  it('rejects an input artifact that no action produces', async () => {
    const p = base();
    p.stages![3].actions![0].inputArtifacts = [{ name: 'Missing' }];
    await rejects(
      p,
      'InvalidActionDeclarationException',
      "Input artifact 'Missing' of action 'Deploy' in stage 'Deploy' is not the output artifact of an action that runs before it",
    );
  });

  it('rejects an input artifact produced later, or in parallel in the same stage', async () => {
    const later = base();
    later.stages![1].actions = [build('Build', ['SourceOutput', 'Packaged'], ['BuildOutput'])];
    later.stages![3].actions!.push(build('Package', ['BuildOutput'], ['Packaged'], 2));
    await rejects(
      later,
      'InvalidActionDeclarationException',
      "Input artifact 'Packaged' of action 'Build' in stage 'Build' is not the output artifact of an action that runs before it",
    );
    const parallel = base();
    parallel.stages![1].actions!.push(build('Test', ['BuildOutput'], [], 1));
    await rejects(
      parallel,
      'InvalidActionDeclarationException',
      "Input artifact 'BuildOutput' of action 'Test' in stage 'Build' is not the output artifact of an action that runs before it",
    );
    parallel.stages![1].actions![1].runOrder = 2;
    await create(parallel);
  });

  it('requires namespaces to be unique across the pipeline', async () => {
    const p = base();
    p.stages![0].actions![0].namespace = 'Vars';
    p.stages![1].actions![0].namespace = 'Vars';
    await rejects(
      p,
      'InvalidActionDeclarationException',
      'Namespaces must be unique across the pipeline definition. The following occur more than once in the pipeline. ' +
        'StageName=[Source], ActionName=[Source], Namespace=[Vars]; StageName=[Build], ActionName=[Build], Namespace=[Vars]',
    );
  });
});

describe('artifact stores and regions', () => {
  const store = { type: 'S3' as const, location: 'bucket' };

  it('rejects both artifactStore and artifactStores', async () => {
    const p = base();
    p.artifactStores = { 'us-east-1': store };
    await rejects(p, 'InvalidStructureException', 'Pipeline cannot contain both artifactStore and artifactStores. Specify only one of them');
  });

  it('requires artifactStore or artifactStores', async () => {
    const p = base();
    delete p.artifactStore;
    await rejects(p, 'InvalidStructureException', 'Pipeline must contain either artifactStore or artifactStores');
  });

  it('requires an artifact store for the pipeline region in artifactStores', async () => {
    const p = fixturePipeline('cross-region.json', `structure-${++seq}`);
    p.artifactStores = { 'eu-west-1': store };
    await rejects(p, 'InvalidStructureException', "artifactStores must contain an artifact store for the pipeline region 'us-east-1'");
  });

  it('requires an artifact store for every cross-region action region', async () => {
    const p = fixturePipeline('cross-region.json', `structure-${++seq}`);
    p.stages![1].actions![1].region = 'ap-south-1';
    await rejects(p, 'InvalidStructureException', "Action 'Europe' in stage 'Deploy' runs in region 'ap-south-1', which has no artifact store in artifactStores");
  });

  it('requires artifactStores for a cross-region action', async () => {
    const p = fixturePipeline('cross-region.json', `structure-${++seq}`);
    delete p.artifactStores;
    p.artifactStore = store;
    await rejects(
      p,
      'InvalidStructureException',
      "Action 'Europe' in stage 'Deploy' runs in region 'eu-west-1'. Cross-region actions require artifactStores with an artifact store for each region",
    );
  });

  it('rejects a cross-region source action', async () => {
    const p = fixturePipeline('cross-region.json', `structure-${++seq}`);
    p.stages![0].actions![0].region = 'eu-west-1';
    await rejects(
      p,
      'InvalidActionDeclarationException',
      "Action 'Source' in stage 'Source' specifies region 'eu-west-1', but source actions cannot be cross-region actions",
    );
  });
});

describe('V2-only features on V1 pipelines', () => {
  const asV1 = (mutate: (p: PipelineDeclaration) => void) => {
    const p = v2();
    p.pipelineType = 'V1';
    delete p.triggers;
    delete p.variables;
    delete p.executionMode;
    delete p.stages![2].onFailure;
    p.stages![1] = approvalStage('Test');
    mutate(p);
    return p;
  };

  it('accepts the V1 baseline these tests start from', async () => {
    expect((await create(asV1(() => {}))).pipeline?.pipelineType).toBe('V1');
  });

  it('rejects triggers', async () => {
    await rejects(asV1((p) => (p.triggers = v2().triggers)), 'InvalidStructureException', 'Triggers on tag can only be used with V2 pipelines');
    const branchOnly = v2().triggers!;
    branchOnly[0].gitConfiguration!.push = [{ branches: { includes: ['main'] } }];
    await rejects(asV1((p) => (p.triggers = branchOnly)), 'InvalidStructureException', 'Triggers can only be used with V2 pipelines');
  });

  it('rejects pipeline-level variables', async () => {
    await rejects(asV1((p) => (p.variables = [{ name: 'X' }])), 'InvalidStructureException', 'Pipeline-level variables can only be used with V2 pipelines');
  });

  it('rejects QUEUED and PARALLEL execution modes, and defaults to V1', async () => {
    await rejects(asV1((p) => (p.executionMode = 'QUEUED')), 'InvalidStructureException', 'Execution mode QUEUED can only be used with V2 pipelines');
    const untyped = asV1((p) => (p.executionMode = 'PARALLEL'));
    delete untyped.pipelineType;
    await rejects(untyped, 'InvalidStructureException', 'Execution mode PARALLEL can only be used with V2 pipelines');
  });

  it('rejects stage rollback and conditions', async () => {
    await rejects(
      asV1((p) => (p.stages![2].onFailure = { result: 'ROLLBACK' })),
      'InvalidStructureException',
      "Rollback on failure (stage 'Deploy') can only be used with V2 pipelines",
    );
    const condition = { conditions: [{ result: 'FAIL' as const, rules: [{ name: 'Check', ruleTypeId: { category: 'Rule' as const, provider: 'VariableCheck' } }] }] };
    await rejects(
      asV1((p) => (p.stages![2].beforeEntry = condition)),
      'InvalidStructureException',
      "Stage conditions (stage 'Deploy') can only be used with V2 pipelines",
    );
  });

  it('rejects compute (Commands) actions', async () => {
    await rejects(
      asV1((p) => (p.stages![1] = v2().stages![1])),
      'InvalidStructureException',
      "Compute actions (action 'UnitTests' in stage 'Test') can only be used with V2 pipelines",
    );
  });
});

describe('V2 rules', () => {
  const TRIGGER_SOURCE =
    'Triggers for connection must reference a CodeStarSourceConnection action. Note that when you specify a trigger, you cant specify more than one trigger per source action.';
  const TRIGGER_FILTERS = 'The trigger configuration for the source action is not valid. Make sure to choose valid filter combinations.';

  it('requires a trigger to name an existing source action', async () => {
    const p = v2();
    p.triggers![0].gitConfiguration!.sourceActionName = 'Nope';
    await rejects(p, 'InvalidStructureException', TRIGGER_SOURCE);
  });

  it('requires the trigger source action to be a CodeStarSourceConnection action', async () => {
    const p = v2();
    p.stages![0].actions!.push({ ...base().stages![0].actions![0], name: 'S3Source', outputArtifacts: [{ name: 'S3Output' }] });
    p.triggers![0].gitConfiguration!.sourceActionName = 'S3Source';
    await rejects(p, 'InvalidStructureException', TRIGGER_SOURCE);
  });

  it('allows one trigger per source action', async () => {
    const p = v2();
    p.triggers!.push(structuredClone(p.triggers![0]));
    await rejects(p, 'InvalidStructureException', TRIGGER_SOURCE);
  });

  it('rejects invalid filter combinations', async () => {
    const tagsAndBranches = v2();
    tagsAndBranches.triggers![0].gitConfiguration!.push = [{ tags: { includes: ['v*'] }, branches: { includes: ['main'] } }];
    await rejects(tagsAndBranches, 'InvalidStructureException', TRIGGER_FILTERS);
    const pathsOnly = v2();
    pathsOnly.triggers![0].gitConfiguration!.push = [{ filePaths: { includes: ['src/**'] } }];
    await rejects(pathsOnly, 'InvalidStructureException', TRIGGER_FILTERS);
    const pullWithoutBranches = v2();
    pullWithoutBranches.triggers![0].gitConfiguration!.pullRequest = [{ events: ['OPEN'] }];
    await rejects(pullWithoutBranches, 'InvalidStructureException', TRIGGER_FILTERS);
  });

  it('requires unique variable names', async () => {
    const p = v2();
    p.variables!.push({ name: 'Environment' });
    await rejects(p, 'InvalidStructureException', "Pipeline variable names must be unique. The variable 'Environment' is declared more than once");
  });

  it('rejects rollback on failure in PARALLEL mode', async () => {
    const p = v2();
    p.executionMode = 'PARALLEL';
    await rejects(
      p,
      'InvalidStructureException',
      "Stage 'Deploy' is configured to roll back on failure. Rollback is not supported for pipelines in PARALLEL execution mode",
    );
    delete p.stages![2].onFailure;
    expect((await create(p)).pipeline?.executionMode).toBe('PARALLEL');
  });
});

describe('stage conditions', () => {
  const variableRule = (configuration: Record<string, string> = { Variable: '#{variables.Environment}', Value: 'prod', Operator: 'EQ' }) => ({
    name: 'Check',
    ruleTypeId: { category: 'Rule' as const, owner: 'AWS' as const, provider: 'VariableCheck', version: '1' },
    configuration,
  });
  const withEntry = (result: string, rule = variableRule()) => {
    const p = v2();
    p.stages![1].beforeEntry = { conditions: [{ result: result as never, rules: [rule] }] };
    return p;
  };

  it('accepts an entry condition with a known rule and its required configuration', async () => {
    expect((await create(withEntry('FAIL'))).pipeline?.stages?.[1].beforeEntry?.conditions?.[0].result).toBe('FAIL');
  });

  it('rejects a result the kind of condition does not allow', async () => {
    await rejects(withEntry('ROLLBACK'), 'InvalidStructureException', "Stage 'Test': a beforeEntry condition cannot have the result ROLLBACK");
    const p = v2();
    p.stages![1].onSuccess = { conditions: [{ result: 'SKIP', rules: [variableRule()] }] };
    await rejects(p, 'InvalidStructureException', "Stage 'Test': a onSuccess condition cannot have the result SKIP");
  });

  it('rejects an unknown rule type, missing or unknown configuration, and a bad deployment window', async () => {
    const unknown = { ...variableRule(), ruleTypeId: { ...variableRule().ruleTypeId, provider: 'Nope' } };
    await rejects(
      withEntry('FAIL', unknown),
      'InvalidStructureException',
      "Rule 'Check' in stage 'Test': rule type (Category: 'Rule', Owner: 'AWS', Provider: 'Nope', Version: '1') is not available",
    );
    await rejects(withEntry('FAIL', variableRule({ Variable: 'x', Value: 'y' })), 'InvalidStructureException', "Rule 'Check' in stage 'Test' is missing the required configuration 'Operator'");
    await rejects(
      withEntry('FAIL', variableRule({ Variable: 'x', Value: 'y', Operator: 'EQ', Extra: 'z' })),
      'InvalidStructureException',
      "Rule 'Check' in stage 'Test' has the unknown configuration 'Extra'",
    );
    const window = { name: 'Window', ruleTypeId: { category: 'Rule' as const, owner: 'AWS' as const, provider: 'DeploymentWindow', version: '1' }, configuration: { Cron: '0 61 * * * ?' } };
    await rejects(withEntry('FAIL', window), 'InvalidStructureException', "Rule 'Window' in stage 'Test': Invalid value '61' in cron field '61'");
  });

  it('rejects rollback on success in PARALLEL mode', async () => {
    const p = v2();
    p.executionMode = 'PARALLEL';
    delete p.stages![2].onFailure;
    p.stages![1].onSuccess = { conditions: [{ result: 'ROLLBACK', rules: [variableRule()] }] };
    await rejects(
      p,
      'InvalidStructureException',
      "Stage 'Test' is configured to roll back on success conditions. Rollback is not supported for pipelines in PARALLEL execution mode",
    );
  });
});

describe('valid pipelines', () => {
  it('accepts parallel actions, multiple input artifacts and namespaces', async () => {
    const p = fixturePipeline('parallel-multi-input.json', `structure-${++seq}`);
    const out = await create(p);
    expect(out.pipeline?.stages?.[1].actions?.map((a) => [a.name, a.runOrder])).toEqual([
      ['Compile', 1],
      ['Lint', 1],
      ['Package', 2],
    ]);
  });

  it('accepts cross-region actions with artifactStores', async () => {
    const out = await create(fixturePipeline('cross-region.json', `structure-${++seq}`));
    expect(Object.keys(out.pipeline?.artifactStores ?? {}).sort()).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('accepts a V2 pipeline with variables, triggers, a Commands action and rollback', async () => {
    const p = v2();
    await create(p);
    const got = await t.cp.send(new GetPipelineCommand({ name: p.name }));
    expect(got.pipeline?.pipelineType).toBe('V2');
    expect(got.pipeline?.variables?.map((v) => v.name)).toEqual(['Environment', 'Release']);
    expect(got.pipeline?.triggers?.[0].gitConfiguration?.sourceActionName).toBe('GitHub');
  });

  it('applies the same rules to UpdatePipeline', async () => {
    const p = base();
    await create(p);
    p.stages![1].actions![0].configuration = {};
    const e = await failure(t.cp.send(new UpdatePipelineCommand({ pipeline: p })));
    expect({ name: e.name, status: e.$metadata.httpStatusCode, message: e.message }).toEqual({
      name: 'InvalidActionDeclarationException',
      status: 400,
      message: "Action configuration for action 'Build' is missing required configuration 'ProjectName'",
    });
  });
});
