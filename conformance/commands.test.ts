// The Commands action runs locally: its commands in one shell with the inputs extracted (the first
// input is the working folder, others under CODEBUILD_SRC_DIR_<name>), output variables from the
// named environment variables, the output artifact from `files` globs; logs kept on disk.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetPipelineStateCommand, PutJobSuccessResultCommand, type ActionDeclaration } from '@aws-sdk/client-codepipeline';
import type { RunningEmulator } from '../src/index.js';
import { client, startEmulator } from './harness.js';
import { BUILD_TYPE, SOURCE_TYPE, createCustomTypes, pipelineOf, takeJob, waitForStatus } from './engineKit.js';
import { zipFiles } from '../src/util/zip.js';
import { ensureArtifacts } from './memoryArtifacts.js';
import { FIXTURES, actionExecution, artifactFiles, fetchLog, startWithSource, untimed } from './localBuildKit.js';

let emu: RunningEmulator;
let cp: ReturnType<typeof client>;
let dataDir: string;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-commands-'));
  emu = await startEmulator({ inMemory: false, dataDir });
  await ensureArtifacts(emu);
  cp = client(emu.endpoint);
  await createCustomTypes(cp);
});
afterAll(async () => {
  await emu.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const commandsAction = (name: string, commands: string[], extra: Partial<ActionDeclaration> = {}): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
  commands,
  inputArtifacts: [{ name: 'SourceOut' }],
  ...extra,
});

describe('Commands action', () => {
  it('runs the commands in one shell, exports output variables and zips the files globs', async () => {
    const decl = pipelineOf(
      'commands',
      [
        {
          name: 'Run',
          actions: [
            commandsAction(
              'Run',
              [
                'node test/greet.test.js',
                'cd lib',
                'export GREETING_FILE=$(ls *.js)',
                'VERSION=$(cat ../VERSION)',
                'mkdir -p ../out/deep && echo "v$VERSION" > ../out/deep/version.txt && echo skip > ../out/skip.log',
                'echo "in ${PWD#$CODEBUILD_SRC_DIR} for #{codepipeline.PipelineExecutionId}"',
              ],
              { namespace: 'Cmd', outputVariables: ['GREETING_FILE', 'VERSION'], outputArtifacts: [{ name: 'CmdOut', files: ['out/**/*.txt'] }] },
            ),
          ],
        },
        { name: 'Check', actions: [{ name: 'Check', actionTypeId: BUILD_TYPE, configuration: { Project: 'commands-check', Flags: '#{Cmd.VERSION}:#{Cmd.GREETING_FILE}' } }] },
      ],
      { pipelineType: 'V2' },
    );
    const id = await startWithSource(emu, cp, decl, path.join(FIXTURES, 'app'));
    const job = await takeJob(cp, BUILD_TYPE, { Project: 'commands-check' });
    expect(job.data!.actionConfiguration!.configuration!.Flags).toBe('1.4.2:greet.js');
    await cp.send(new PutJobSuccessResultCommand({ jobId: job.id }));
    await waitForStatus(cp, 'commands', id, 'Succeeded');

    const run = await actionExecution(cp, 'commands', id, 'Run');
    expect(run.output!.outputVariables).toEqual({ GREETING_FILE: 'greet.js', VERSION: '1.4.2' });
    expect(await artifactFiles(emu, run, 'CmdOut')).toEqual({ 'out/deep/version.txt': 'v1.4.2\n' });
    const log = await fetchLog(emu, run.actionExecutionId!);
    expect(untimed(log.text)).toContain(
      [
        '[Container] Running command node test/greet.test.js',
        '1 test passed',
        '[Container] Running command cd lib',
        '[Container] Running command export GREETING_FILE=$(ls *.js)',
        '[Container] Running command VERSION=$(cat ../VERSION)',
        '[Container] Running command mkdir -p ../out/deep && echo "v$VERSION" > ../out/deep/version.txt && echo skip > ../out/skip.log',
        `[Container] Running command echo "in \${PWD#$CODEBUILD_SRC_DIR} for ${id}"`,
        `in /lib for ${id}`,
        '[Container] Phase complete: BUILD State: SUCCEEDED',
      ].join('\n'),
    );
    // Stored: the log outlives the build (a short one in the database, not as a file); the working folder does not.
    expect(emu.engine.logs.read(run.actionExecutionId!)).toBe(log.text);
    expect(fs.existsSync(path.join(dataDir, 'logs', `${run.actionExecutionId}.log`))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'builds', run.actionExecutionId!))).toBe(false);
    const state = await cp.send(new GetPipelineStateCommand({ name: 'commands' }));
    expect(state.stageStates![1].actionStates![0].latestExecution!.externalExecutionUrl).toBe(`${emu.endpoint}/_logs/${run.actionExecutionId}`);
  });

  it('exposes further inputs as CODEBUILD_SRC_DIR_<name> and fails with CodeBuild wording', async () => {
    const decl = pipelineOf(
      'commands-fail',
      [
        {
          name: 'Run',
          actions: [commandsAction('Run', ['cat "$CODEBUILD_SRC_DIR_Extra/extra.txt"', 'ls missing-file'], { inputArtifacts: [{ name: 'SourceOut' }, { name: 'Extra' }] })],
        },
      ],
      { pipelineType: 'V2' },
    );
    decl.stages![0].actions!.push({ name: 'Extra', actionTypeId: SOURCE_TYPE, configuration: { Repo: 'commands-extra' }, outputArtifacts: [{ name: 'Extra' }] });
    const id = await startWithSource(emu, cp, decl, { 'main.txt': 'main' });
    const extra = await takeJob(cp, SOURCE_TYPE, { Repo: 'commands-extra' });
    const s3 = extra.data!.outputArtifacts![0].location!.s3Location!;
    await emu.engine.artifacts.put('123456789012', { bucket: s3.bucketName!, key: s3.objectKey! }, zipFiles([{ path: 'extra.txt', data: Buffer.from('from the second input\n') }]));
    await cp.send(new PutJobSuccessResultCommand({ jobId: extra.id }));
    await waitForStatus(cp, 'commands-fail', id, 'Failed');
    const run = await actionExecution(cp, 'commands-fail', id, 'Run');
    const message = 'Build terminated with state: FAILED. Phase: BUILD, Code: COMMAND_EXECUTION_ERROR, Message: Error while executing command: ls missing-file. Reason: exit status 2';
    expect(run.output!.executionResult!.errorDetails).toEqual({ code: 'JobFailed', message });
    const log = untimed((await fetchLog(emu, run.actionExecutionId!)).text);
    expect(log).toContain('[Container] Running command cat "$CODEBUILD_SRC_DIR_Extra/extra.txt"\nfrom the second input\n[Container] Running command ls missing-file\n');
    expect(log).toContain('[Container] Command did not exit successfully ls missing-file exit status 2\n');
  });

  it('fails naming every variable reference it could not resolve, in commands and environment variables', async () => {
    const decl = pipelineOf(
      'commands-typo',
      [
        {
          name: 'Run',
          actions: [
            commandsAction('Run', ['echo #{Build.APP_VERSON}', 'echo #{codepipeline.PipelineExecutionId}'], {
              environmentVariables: [{ name: 'TARGET', value: '#{Deploy.URL}', type: 'PLAINTEXT' }],
            }),
          ],
        },
      ],
      { pipelineType: 'V2' },
    );
    const id = await startWithSource(emu, cp, decl, { 'main.txt': 'main' });
    await waitForStatus(cp, 'commands-typo', id, 'Failed');
    const run = await actionExecution(cp, 'commands-typo', id, 'Run');
    expect(run.output!.executionResult!.externalExecutionSummary).toBe(
      'An action in this pipeline failed because one or more variables could not be resolved: Action name=Run. Unresolved: #{Build.APP_VERSON}, #{Deploy.URL}',
    );
  });
});
