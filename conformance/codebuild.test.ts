// CodeBuild actions run locally: the buildspec of the source (or of the local project
// configuration) runs in one local shell; output artifacts, exported variables, phase failures
// with on-failure and finally, secrets from the local configuration, timeouts, abandon, and logs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetPipelineStateCommand, ListActionExecutionsCommand, StopPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import type { RunningEmulator } from '../src/index.js';
import { client, startEmulator } from './harness.js';
import { BUILD_TYPE, createCustomTypes, pipelineOf, takeJob, until, waitForStatus } from './engineKit.js';
import { ensureArtifacts } from './memoryArtifacts.js';
import { FIXTURES, actionExecution, alive, artifactFiles, codeBuildAction, fetchLog, startWithSource, untimed, waitForLog } from './localBuildKit.js';

const CONFIG = `
codebuild:
  projects:
    abort-project:
      buildspec: |
        version: 0.2
        phases:
          install:
            commands:
              - echo installing
          pre_build:
            commands:
              - echo before
              - exit 3
              - echo never
            finally:
              - echo "cleanup after pre_build"
          build:
            commands:
              - echo "build must not run"
          post_build:
            commands:
              - echo "post_build must not run"
    continue-project:
      buildspec: |
        version: 0.2
        phases:
          pre_build:
            on-failure: CONTINUE
            commands:
              - "false"
          build:
            commands:
              - echo "build runs, succeeding=$CODEBUILD_BUILD_SUCCEEDING"
              - test 1 = 2
            finally:
              - echo "finally of build"
          post_build:
            commands:
              - echo "post_build runs after a failed build, succeeding=$CODEBUILD_BUILD_SUCCEEDING"
    secrets-project:
      environmentVariables:
        FROM_PROJECT: project-value
        GREETING: from-project
      buildspec: |
        version: 0.2
        env:
          variables:
            GREETING: from-buildspec
          parameter-store:
            DB_PASSWORD: /app/db-password
          secrets-manager:
            API_TOKEN: arn:aws:secretsmanager:us-east-1:123456789012:secret:app/api-AbCdEf:token
        phases:
          build:
            commands:
              - echo "password is $DB_PASSWORD"
              - printf '%s|%s|%s|%s|%s' "$DB_PASSWORD" "$API_TOKEN" "$GREETING" "$FROM_PROJECT" "$FROM_ACTION" > out.txt
        artifacts:
          files: [out.txt]
    timeout-project:
      timeoutInMinutes: 0.01
      buildspec: |
        version: 0.2
        phases:
          build:
            commands:
              - sleep 30
    sleeper:
      buildspec: |
        version: 0.2
        phases:
          build:
            commands:
              - sleep 300 &
              - echo "SHELL_PID=$$ SLEEP_PID=$!"
              - wait
    escape-project:
      buildspec: |
        version: 0.2
        phases:
          build:
            commands:
              - echo ok > real.txt
              - ln -s /etc/hostname link.txt
        artifacts:
          files: [link.txt, real.txt]
    outside-project:
      buildspec: |
        version: 0.2
        phases:
          build:
            commands:
              - "true"
        artifacts:
          base-directory: ../..
          files: ['**/*']
    split-secret-project:
      buildspec: |
        version: 0.2
        env:
          secrets-manager:
            SM: app-secret
        phases:
          build:
            commands:
              - printf '%s' "aaaa\${SM:0:4}"; sleep 0.3; printf '%s\\n' "\${SM:4}"
              - head -c 65530 /dev/zero | tr '\\0' f; printf '%s\\n' "\$SM"
              - echo "secret is \$SM."
secrets:
  parameterStore:
    /app/db-password: s3cr3t-pw
  secretsManager:
    app/api: '{"token": "tok-123"}'
    app-secret: SMVALUE_s3cr3t
`;

let emu: RunningEmulator;
let cp: ReturnType<typeof client>;
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-codebuild-'));
  fs.writeFileSync(path.join(dir, 'config.yml'), CONFIG);
  emu = await startEmulator({ configFile: path.join(dir, 'config.yml') });
  await ensureArtifacts(emu);
  cp = client(emu.endpoint);
  await createCustomTypes(cp);
});
afterAll(async () => {
  await emu.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('CodeBuild action', () => {
  it('builds the sample: artifacts, exported variables, a downstream action resolving them, and the log', async () => {
    const decl = pipelineOf('sample-build', [
      {
        name: 'Build',
        actions: [codeBuildAction('Build', { ProjectName: 'sample-app' }, { namespace: 'BuildVariables', outputArtifacts: [{ name: 'BuildOut' }, { name: 'Reports' }] })],
      },
      { name: 'Check', actions: [{ name: 'Check', actionTypeId: BUILD_TYPE, configuration: { Project: 'sample-check', Flags: '#{BuildVariables.APP_VERSION}/#{BuildVariables.BUILD_MARK}' } }] },
    ]);
    const id = await startWithSource(emu, cp, decl, path.join(FIXTURES, 'app'), 'c0ffee1');
    const job = await takeJob(cp, BUILD_TYPE, { Project: 'sample-check' });
    expect(job.data!.actionConfiguration!.configuration!.Flags).toBe('1.4.2/hello-1.4.2');

    const build = await actionExecution(cp, 'sample-build', id, 'Build');
    expect(build.status).toBe('Succeeded');
    expect(build.output!.outputVariables).toEqual({ APP_VERSION: '1.4.2', BUILD_MARK: 'hello-1.4.2' });
    expect(build.output!.executionResult!.externalExecutionId).toMatch(new RegExp(`^sample-app:${UUID}$`));
    expect(build.output!.executionResult!.externalExecutionUrl).toBe(`${emu.endpoint}/_logs/${build.actionExecutionId}`);
    expect(await artifactFiles(emu, build, 'BuildOut')).toEqual({ 'site/greet.js': fs.readFileSync(path.join(FIXTURES, 'app', 'lib', 'greet.js'), 'utf8') });
    expect(await artifactFiles(emu, build, 'Reports')).toEqual({ 'report.txt': 'version 1.4.2 from c0ffee1 by codepipeline/sample-build\n' });

    const log = await fetchLog(emu, build.actionExecutionId!);
    expect(log.status).toBe(200);
    expect(log.type).toBe('text/plain; charset=utf-8');
    const phases = untimed(log.text).slice(untimed(log.text).indexOf('[Container] Entering phase INSTALL'));
    expect(phases).toBe(
      [
        '[Container] Entering phase INSTALL',
        '[Container] Running command echo "node $(node --version | cut -c1-2)"',
        `node ${process.version.slice(0, 2)}`,
        '[Container] Phase complete: INSTALL State: SUCCEEDED',
        '[Container] Phase context status code:  Message: ',
        '[Container] Entering phase PRE_BUILD',
        '[Container] Running command node test/greet.test.js',
        '1 test passed',
        '[Container] Running command cd lib',
        '[Container] Running command export APP_VERSION=$(cat ../VERSION)',
        '[Container] Phase complete: PRE_BUILD State: SUCCEEDED',
        '[Container] Phase context status code:  Message: ',
        '[Container] Entering phase BUILD',
        '[Container] Running command echo "working in ${PWD#$CODEBUILD_SRC_DIR}"',
        'working in /lib',
        '[Container] Running command mkdir -p ../dist/site ../dist/reports',
        '[Container] Running command cp greet.js ../dist/site/greet.js',
        '[Container] Running command echo "version $APP_VERSION from $CODEBUILD_RESOLVED_SOURCE_VERSION by $CODEBUILD_INITIATOR" > ../dist/reports/report.txt',
        '[Container] Running command BUILD_MARK="$GREETING-$APP_VERSION"',
        '[Container] Phase complete: BUILD State: SUCCEEDED',
        '[Container] Phase context status code:  Message: ',
        '[Container] Entering phase POST_BUILD',
        '[Container] Running command echo "succeeding=$CODEBUILD_BUILD_SUCCEEDING"',
        'succeeding=1',
        '[Container] Phase complete: POST_BUILD State: SUCCEEDED',
        '[Container] Phase context status code:  Message: ',
        '[Container] Entering phase UPLOAD_ARTIFACTS',
        '[Container] Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED',
        '',
      ].join('\n'),
    );
    expect(log.text).toMatch(/^\[Container\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d{6} Running on codepipeline-local/);
  });

  it('on-failure ABORT: a failed pre_build runs its finally and ends the build with AWS wording', async () => {
    const id = await startWithSource(emu, cp, pipelineOf('abort', [{ name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'abort-project' })] }]), { 'README.md': 'x' });
    await waitForStatus(cp, 'abort', id, 'Failed');
    const build = await actionExecution(cp, 'abort', id, 'Build');
    const message = 'Build terminated with state: FAILED. Phase: PRE_BUILD, Code: COMMAND_EXECUTION_ERROR, Message: Error while executing command: exit 3. Reason: exit status 3';
    expect(build.output!.executionResult).toMatchObject({ externalExecutionSummary: message, errorDetails: { code: 'JobFailed', message } });
    const log = untimed((await fetchLog(emu, build.actionExecutionId!)).text);
    expect(log).toContain(
      [
        '[Container] Entering phase PRE_BUILD',
        '[Container] Running command echo before',
        'before',
        '[Container] Running command exit 3',
        '[Container] Command did not exit successfully exit 3 exit status 3',
        '[Container] Running command echo "cleanup after pre_build"',
        'cleanup after pre_build',
        '[Container] Phase complete: PRE_BUILD State: FAILED',
        '[Container] Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: exit 3. Reason: exit status 3',
        `[Container] ${message}`,
        '',
      ].join('\n'),
    );
    expect(log).not.toContain('must not run');
  });

  it('on-failure CONTINUE goes on; a failed build still runs post_build; the first failure is reported', async () => {
    const id = await startWithSource(emu, cp, pipelineOf('continue', [{ name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'continue-project' })] }]), { 'a.txt': 'a' });
    await waitForStatus(cp, 'continue', id, 'Failed');
    const build = await actionExecution(cp, 'continue', id, 'Build');
    expect(build.output!.executionResult!.externalExecutionSummary).toBe(
      'Build terminated with state: FAILED. Phase: PRE_BUILD, Code: COMMAND_EXECUTION_ERROR, Message: Error while executing command: false. Reason: exit status 1',
    );
    const lines = untimed((await fetchLog(emu, build.actionExecutionId!)).text).split('\n');
    expect(lines.filter((l) => !l.startsWith('[Container] Running command') && !l.startsWith('[Container] Phase context') && /runs|finally|Phase complete/.test(l))).toEqual([
      '[Container] Phase complete: PRE_BUILD State: FAILED',
      'build runs, succeeding=0',
      'finally of build',
      '[Container] Phase complete: BUILD State: FAILED',
      'post_build runs after a failed build, succeeding=0',
      '[Container] Phase complete: POST_BUILD State: SUCCEEDED',
    ]);
  });

  it('resolves PARAMETER_STORE and SECRETS_MANAGER values from the local configuration, with CodeBuild precedence, masked in the log', async () => {
    const env = JSON.stringify([
      { name: 'FROM_ACTION', value: 'action-value', type: 'PLAINTEXT' },
      { name: 'GREETING', value: 'from-action', type: 'PLAINTEXT' },
    ]);
    const decl = pipelineOf('secrets', [
      { name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'secrets-project', EnvironmentVariables: env }, { outputArtifacts: [{ name: 'Out' }] })] },
    ]);
    const id = await startWithSource(emu, cp, decl, { 'a.txt': 'a' });
    await waitForStatus(cp, 'secrets', id, 'Succeeded');
    const build = await actionExecution(cp, 'secrets', id, 'Build');
    expect(await artifactFiles(emu, build, 'Out')).toEqual({ 'out.txt': 's3cr3t-pw|tok-123|from-action|project-value|action-value' });
    const log = (await fetchLog(emu, build.actionExecutionId!)).text;
    expect(log).toContain('\npassword is ***\n');
    expect(log).not.toContain('s3cr3t-pw');
  });

  it('masks a secret that the build writes in two pieces, or that straddles a 64 KiB pipe read', async () => {
    const decl = pipelineOf('split-secret', [{ name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'split-secret-project' })] }]);
    const id = await startWithSource(emu, cp, decl, { 'a.txt': 'a' });
    await waitForStatus(cp, 'split-secret', id, 'Succeeded');
    const build = await actionExecution(cp, 'split-secret', id, 'Build');
    const log = (await fetchLog(emu, build.actionExecutionId!)).text;
    expect(log).not.toContain('SMVALUE_s3cr3t');
    expect(log).toContain('\naaaa***\n');
    expect(log).toContain(`\n${'f'.repeat(65530)}***\n`);
    expect(log).toContain('\nsecret is ***.\n');
    // The API answers carry the secret's reference, never its value.
    const listed = await cp.send(new ListActionExecutionsCommand({ pipelineName: 'split-secret' }));
    expect(JSON.stringify(listed)).not.toContain('SMVALUE');
  });

  it('fails clearly when a secret is not configured, and when batch builds are asked for', async () => {
    const env = JSON.stringify([{ name: 'MISSING', value: '/not/configured', type: 'PARAMETER_STORE' }]);
    const decl = pipelineOf('nosecret', [
      { name: 'Build', actions: [codeBuildAction('Secret', { ProjectName: 'abort-project', EnvironmentVariables: env }), codeBuildAction('Batch', { ProjectName: 'abort-project', BatchEnabled: 'true' })] },
    ]);
    const id = await startWithSource(emu, cp, decl, { 'a.txt': 'a' });
    await waitForStatus(cp, 'nosecret', id, 'Failed');
    expect((await actionExecution(cp, 'nosecret', id, 'Secret')).output!.executionResult!.errorDetails).toEqual({
      code: 'JobFailed',
      message: "Parameter Store parameter '/not/configured' does not exist (create it with PutParameter, an AWS::SSM::Parameter, or the local configuration's secrets.parameterStore)",
    });
    expect((await actionExecution(cp, 'nosecret', id, 'Batch')).output!.executionResult!.errorDetails).toEqual({
      code: 'JobFailed',
      message: 'codepipeline-local does not simulate CodeBuild batch builds (BatchEnabled is true): set BatchEnabled to false to run the project as a single local build',
    });
  });

  it('fails a build without buildspec or whose base-directory leaves the build folder; never archives symbolic links', async () => {
    const decl = pipelineOf('nobuildspec', [
      {
        name: 'Build',
        actions: [
          codeBuildAction('NoSpec', { ProjectName: 'plain' }),
          codeBuildAction('Outside', { ProjectName: 'outside-project' }, { outputArtifacts: [{ name: 'Out' }] }),
          codeBuildAction('Links', { ProjectName: 'escape-project' }, { outputArtifacts: [{ name: 'LinkOut' }] }),
        ],
      },
    ]);
    const id = await startWithSource(emu, cp, decl, { 'a.txt': 'a' });
    await waitForStatus(cp, 'nobuildspec', id, 'Failed');
    // Named inside the build folder, not where the build folder is on this machine.
    expect((await actionExecution(cp, 'nobuildspec', id, 'NoSpec')).output!.executionResult!.externalExecutionSummary).toBe(
      'Build terminated with state: FAILED. Phase: DOWNLOAD_SOURCE, Code: YAML_FILE_ERROR, Message: stat src/buildspec.yml: no such file or directory',
    );
    expect((await actionExecution(cp, 'nobuildspec', id, 'Outside')).output!.executionResult!.externalExecutionSummary).toBe(
      "Build terminated with state: FAILED. Phase: UPLOAD_ARTIFACTS, Code: CLIENT_ERROR, Message: base-directory '../..' is outside the build folder",
    );
    const links = await actionExecution(cp, 'nobuildspec', id, 'Links');
    expect(links.status).toBe('Succeeded');
    expect(await artifactFiles(emu, links, 'LinkOut')).toEqual({ 'real.txt': 'ok\n' });
  });

  it('a buildspec without artifacts succeeds when the action declares no output artifacts', async () => {
    const spec = 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo "nothing to keep"\n';
    const id = await startWithSource(emu, cp, pipelineOf('no-outputs', [{ name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'plain' })] }]), { 'buildspec.yml': spec });
    await waitForStatus(cp, 'no-outputs', id, 'Succeeded');
    const log = untimed((await fetchLog(emu, (await actionExecution(cp, 'no-outputs', id, 'Build')).actionExecutionId!)).text);
    expect(log).toContain('\nnothing to keep\n[Container] Phase complete: BUILD State: SUCCEEDED\n');
    expect(log.endsWith('[Container] Entering phase UPLOAD_ARTIFACTS\n[Container] Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED\n')).toBe(true);
  });

  it('a buildspec without artifacts for a declared output artifact runs its phases, then fails in UPLOAD_ARTIFACTS naming the artifact', async () => {
    const spec = 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo "built" > app.txt\n      - echo "the build ran"\n';
    const decl = pipelineOf('no-artifacts', [{ name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'plain' }, { outputArtifacts: [{ name: 'AppOut' }] })] }]);
    const id = await startWithSource(emu, cp, decl, { 'buildspec.yml': spec });
    await waitForStatus(cp, 'no-artifacts', id, 'Failed');
    const why = 'no artifact paths for the output artifact AppOut: the buildspec declares no artifacts.files, and no secondary artifact with the identifier AppOut';
    const message = `Build terminated with state: FAILED. Phase: UPLOAD_ARTIFACTS, Code: CLIENT_ERROR, Message: ${why}`;
    const build = await actionExecution(cp, 'no-artifacts', id, 'Build');
    expect(build.output!.executionResult).toMatchObject({ externalExecutionSummary: message, errorDetails: { code: 'JobFailed', message } });
    const state = await cp.send(new GetPipelineStateCommand({ name: 'no-artifacts' }));
    expect(state.stageStates![1].actionStates![0].latestExecution).toMatchObject({ status: 'Failed', summary: message, errorDetails: { code: 'JobFailed', message } });
    const log = untimed((await fetchLog(emu, build.actionExecutionId!)).text);
    expect(log.slice(log.indexOf('[Container] Entering phase BUILD'))).toBe(
      [
        '[Container] Entering phase BUILD',
        '[Container] Running command echo "built" > app.txt',
        '[Container] Running command echo "the build ran"',
        'the build ran',
        '[Container] Phase complete: BUILD State: SUCCEEDED',
        '[Container] Phase context status code:  Message: ',
        '[Container] Entering phase UPLOAD_ARTIFACTS',
        '[Container] Phase complete: UPLOAD_ARTIFACTS State: FAILED',
        `[Container] Phase context status code: CLIENT_ERROR Message: ${why}`,
        `[Container] ${message}`,
        '',
      ].join('\n'),
    );
  });

  it('a build past its timeout is killed and fails as TIMED_OUT', async () => {
    const id = await startWithSource(emu, cp, pipelineOf('timeout', [{ name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'timeout-project' })] }]), { 'a.txt': 'a' });
    await until(() => actionExecution(cp, 'timeout', id, 'Build'), (b) => b?.status === 'Failed', 10_000);
    const build = await actionExecution(cp, 'timeout', id, 'Build');
    expect(build.output!.executionResult!.errorDetails).toEqual({
      code: 'JobFailed',
      message: 'Build terminated with state: TIMED_OUT. Phase: BUILD, Code: BUILD_TIMED_OUT, Message: Build has timed out.',
    });
  });

  it('StopPipelineExecution with abandon kills the build and everything it started', async () => {
    const id = await startWithSource(emu, cp, pipelineOf('sleeper', [{ name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'sleeper' })] }]), { 'a.txt': 'a' });
    const running = await until(() => actionExecution(cp, 'sleeper', id, 'Build'), (b) => b?.status === 'InProgress');
    const log = await waitForLog(emu, running.actionExecutionId!, /SHELL_PID=\d+ SLEEP_PID=\d+/);
    const [, shellPid, sleepPid] = log.text.match(/SHELL_PID=(\d+) SLEEP_PID=(\d+)/)!.map(Number);
    expect([alive(shellPid), alive(sleepPid)]).toEqual([true, true]);
    await cp.send(new StopPipelineExecutionCommand({ pipelineName: 'sleeper', pipelineExecutionId: id, abandon: true, reason: 'enough' }));
    await waitForStatus(cp, 'sleeper', id, 'Stopped');
    expect((await actionExecution(cp, 'sleeper', id, 'Build')).status).toBe('Abandoned');
    await until(async () => [alive(shellPid), alive(sleepPid)], (a) => !a[0] && !a[1]);
    expect((await waitForLog(emu, running.actionExecutionId!, /Phase complete: BUILD State: STOPPED/)).text).toContain('Build was stopped: the action was abandoned');
  });
});

describe('action logs endpoint', () => {
  it('serves an escaped HTML page, refuses other accounts, and 404s unknown ids', async () => {
    const decl = pipelineOf('html', [
      { name: 'Build', actions: [codeBuildAction('Build', { ProjectName: 'plain' })] },
    ]);
    const id = await startWithSource(emu, cp, decl, { 'buildspec.yml': 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo "<script>alert(1)</script> & \'done\'"\n' });
    await waitForStatus(cp, 'html', id, 'Succeeded');
    const build = await actionExecution(cp, 'html', id, 'Build');
    const page = await fetchLog(emu, build.actionExecutionId!, '?format=html');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=UTF-8');
    expect(page.text).toContain('\n&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;done&#39;\n');
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('<title>html / Build / Build (Succeeded)</title>');
    expect((await fetchLog(emu, build.actionExecutionId!, '?account=111122223333')).status).toBe(404);
    expect((await fetchLog(emu, build.actionExecutionId!, '?account=123456789012')).status).toBe(200);
    expect((await fetchLog(emu, '00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await fetchLog(emu, '..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
    expect((await fetchLog(emu, build.actionExecutionId!, '?format=pdf')).status).toBe(400);
  });
});
