// The README walkthrough ("Walkthrough: a pipeline on your laptop"), run for real: the CLI entry as a
// child process with a fresh data folder and no local configuration file, every step driven by the
// AWS CLI (v1) and git as child processes, exactly as the README shows them. The build log is read
// over HTTP (the README uses curl). Skipped only when `aws` or `git` is not on PATH.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startEntry, type Entry } from './scripts/entry.js';
import { clientEnv, withDefaults } from './scripts/expected.js';
import { gitEnv } from './gitKit.js';

const ACCOUNT = '123456789012';
const SAMPLE = path.join(ROOT, 'fixtures', 'sample-app');
const PIPELINE_FILE = path.join(ROOT, 'fixtures', 'pipelines', 'sample-app.json');
const RULE_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:rule/codepipeline-sample-app-Source-rule`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const found = (cmd: string) => spawnSync(cmd, ['--version'], { env: clientEnv() }).status === 0;
const hasAws = found('aws');
const hasGit = found('git');
const missing = [!hasAws && '`aws`', !hasGit && '`git`'].filter(Boolean).join(' and ');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a child process asynchronously, bounded in time. */
function run(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: opts.cwd, env: opts.env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let entry: Entry | undefined;
let tmp: string;
let dataDir: string;
let repo: string;

/** `aws ...` with the walkthrough's environment: credentials, region and AWS_ENDPOINT_URL. */
const aws = (...args: string[]) => run('aws', args, { env: clientEnv({ AWS_ENDPOINT_URL: entry!.endpoint }) });
/** The successful answer's stdout (stderr empty, exit code 0). */
async function ok(p: Promise<Run>): Promise<string> {
  const r = await p;
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return r.stdout;
}
const cpJson = async (...args: string[]) => JSON.parse(await ok(aws('codepipeline', ...args, '--output', 'json')));

const git = async (...args: string[]) => (await ok(run('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: repo, env: gitEnv }))).trim();

/** Polls `read` until `done` holds or the deadline passes; answers the last value read. */
async function poll<T>(read: () => Promise<T>, done: (v: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

/** The README's "watch the stages" command: one "<stage>\t<status>" line per stage. */
const stages = () => ok(aws('codepipeline', 'get-pipeline-state', '--name', 'sample-app', '--query', 'stageStates[].[stageName,latestExecution.status]', '--output', 'text'));
const stageLines = (...statuses: string[]) => ['Source', 'Build', 'Approve', 'Deploy'].map((s, i) => `${s}\t${statuses[i]}\n`).join('');

interface ExecutionSummary {
  pipelineExecutionId: string;
  status: string;
  trigger: { triggerType: string; triggerDetail?: string };
  sourceRevisions: { actionName: string; revisionId: string; revisionSummary: string; revisionUrl: string }[];
}
const executions = async (): Promise<ExecutionSummary[]> => (await cpJson('list-pipeline-executions', '--pipeline-name', 'sample-app')).pipelineExecutionSummaries;

interface ActionDetail {
  actionExecutionId: string;
  stageName: string;
  status: string;
  input: { configuration: Record<string, string>; resolvedConfiguration: Record<string, string> };
  output: { outputVariables: Record<string, string>; executionResult?: { externalExecutionId: string; externalExecutionUrl: string } };
}
async function actionsOf(executionId: string): Promise<Record<string, ActionDetail>> {
  const out = await cpJson('list-action-executions', '--pipeline-name', 'sample-app', '--filter', `pipelineExecutionId=${executionId}`);
  return Object.fromEntries((out.actionExecutionDetails as ActionDetail[]).map((a) => [a.stageName, a]));
}

const approvalToken = async () =>
  (await ok(aws('codepipeline', 'get-pipeline-state', '--name', 'sample-app', '--query', "stageStates[?stageName=='Approve'].actionStates[0].latestExecution.token", '--output', 'text'))).trim();

/** What the sample's own build produces for a version and commit (built in a temp copy). */
async function expectedSite(version: string, commit: string): Promise<Record<string, string>> {
  const dir = fs.mkdtempSync(path.join(tmp, 'expected-'));
  fs.cpSync(SAMPLE, dir, { recursive: true, filter: (src) => !/[\\/](dist|node_modules)$/.test(src) });
  const pkgFile = path.join(dir, 'package.json');
  fs.writeFileSync(pkgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(pkgFile, 'utf8')), version }, null, 2) + '\n');
  await ok(run(process.execPath, ['build.mjs'], { cwd: dir, env: { ...process.env, CODEBUILD_RESOLVED_SOURCE_VERSION: commit } }));
  const dist = path.join(dir, 'dist');
  const files = Object.fromEntries(fs.readdirSync(dist).sort().map((f) => [f, fs.readFileSync(path.join(dist, f), 'utf8')]));
  fs.rmSync(dir, { recursive: true, force: true });
  return files;
}

/** `aws s3 ls s3://sample-app-site` as {name: size}, each line checked against the CLI's format. */
async function listSite(): Promise<Record<string, number>> {
  const out = await ok(aws('s3', 'ls', 's3://sample-app-site'));
  const lines = out.split('\n').filter(Boolean);
  for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\d+ \S+$/);
  return Object.fromEntries(lines.map((l) => l.trim().split(/\s+/)).map((p) => [p[3], Number(p[2])]));
}

const sizes = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).map(([f, text]) => [f, Buffer.byteLength(text)]));

describe.skipIf(!hasAws || !hasGit)(missing ? `README walkthrough (skipped: ${missing} not on PATH)` : 'README walkthrough with the AWS CLI and git', () => {
  let first: string;
  let second: string;
  let firstExecution: string;
  let secondExecution: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-walkthrough-'));
    dataDir = path.join(tmp, 'data');
    repo = path.join(dataDir, 'git', 'sample-app');
    // cwd = the temp folder: no ./codepipeline-local.yml, so the defaults alone must do.
    entry = await startEntry({ args: ['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn'], cwd: tmp });
    expect(entry.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  afterAll(async () => {
    const e = entry;
    if (e && e.child.exitCode === null && e.child.signalCode === null) {
      e.child.kill('SIGTERM');
      const gone = await Promise.race([e.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
      if (!gone) {
        e.child.kill('SIGKILL');
        await e.exited;
      }
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('1. the repository: git init -b main in <data>/git/sample-app, the sample copied in, committed', async () => {
    fs.mkdirSync(repo, { recursive: true });
    await git('init', '-q', '-b', 'main');
    fs.cpSync(SAMPLE, repo, { recursive: true, filter: (src) => !/[\\/](dist|node_modules)$/.test(src) });
    await git('add', '-A');
    await git('commit', '-q', '-m', 'First version');
    first = await git('rev-parse', 'HEAD');
    expect(first).toMatch(/^[0-9a-f]{40}$/);
    expect((await git('ls-files')).split('\n')).toEqual([
      '.gitignore',
      'README.md',
      'build.mjs',
      'buildspec.yml',
      'package.json',
      'public/style.css',
      'src/page.js',
      'test/page.test.js',
    ]);
  });

  it('2. aws s3 mb s3://sample-app-site', async () => {
    expect(await ok(aws('s3', 'mb', 's3://sample-app-site'))).toBe('make_bucket: sample-app-site\n');
  });

  it('3. create-pipeline --cli-input-json file://fixtures/pipelines/sample-app.json', async () => {
    const declaration = JSON.parse(fs.readFileSync(PIPELINE_FILE, 'utf8')).pipeline as PipelineDeclaration;
    expect(await cpJson('create-pipeline', '--cli-input-json', `file://${PIPELINE_FILE}`)).toEqual({ pipeline: withDefaults(declaration) });
  });

  it('4. the stages run up to the approval: Source and Build succeed, Approve waits', async () => {
    const state = await poll(stages, (s) => s === stageLines('Succeeded', 'Succeeded', 'InProgress', 'None') || /Failed/.test(s), 30_000);
    expect(state).toBe(stageLines('Succeeded', 'Succeeded', 'InProgress', 'None'));
    const list = await executions();
    expect(list).toHaveLength(1);
    firstExecution = list[0].pipelineExecutionId;
    expect(list[0]).toMatchObject({
      status: 'InProgress',
      trigger: { triggerType: 'CreatePipeline', triggerDetail: `arn:aws:iam::${ACCOUNT}:root` },
      sourceRevisions: [{ actionName: 'Source', revisionId: first, revisionSummary: 'First version' }],
    });
  }, 40_000);

  it('5. list-action-executions: the commit, the build exported APP_VERSION, the approval message resolved', async () => {
    const a = await actionsOf(firstExecution);
    expect(Object.keys(a).sort()).toEqual(['Approve', 'Build', 'Source']);
    expect(a.Source.status).toBe('Succeeded');
    expect(a.Source.output.outputVariables).toMatchObject({ BranchName: 'main', CommitId: first, CommitMessage: 'First version', RepositoryName: 'sample-app' });
    expect(a.Build.status).toBe('Succeeded');
    expect(a.Build.output.outputVariables).toEqual({ APP_VERSION: '1.0.0' });
    expect(a.Build.output.executionResult?.externalExecutionId).toMatch(/^sample-app-build:[0-9a-f-]{36}$/);
    expect(a.Build.output.executionResult?.externalExecutionUrl).toBe(`${entry!.endpoint}/_logs/${a.Build.actionExecutionId}`);
    expect(a.Approve.status).toBe('InProgress');
    expect(a.Approve.input.resolvedConfiguration).toEqual({
      CustomData: `Deploy sample-app 1.0.0 (commit ${first}) to s3://sample-app-site?`,
    });
    // The README's queries for the same two things.
    const newest = (stage: string, field: string) =>
      ['codepipeline', 'list-action-executions', '--pipeline-name', 'sample-app', '--query', `actionExecutionDetails[?stageName=='${stage}'] | [0].${field}`];
    expect(JSON.parse(await ok(aws(...newest('Build', 'output.outputVariables'))))).toEqual({ APP_VERSION: '1.0.0' });
    expect(await ok(aws(...newest('Approve', 'input.resolvedConfiguration.CustomData'), '--output', 'text'))).toBe(
      `Deploy sample-app 1.0.0 (commit ${first}) to s3://sample-app-site?\n`,
    );
  });

  it("6. the build log at the action's externalExecutionUrl (the README's --query and curl)", async () => {
    const url = (
      await ok(
        aws(
          'codepipeline', 'list-action-executions', '--pipeline-name', 'sample-app',
          '--query', "actionExecutionDetails[?stageName=='Build'] | [0].output.executionResult.externalExecutionUrl", '--output', 'text',
        ),
      )
    ).trim();
    const id = url.slice(url.lastIndexOf('/') + 1);
    expect(url).toBe(`${entry!.endpoint}/_logs/${id}`);
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    const log = await res.text();
    const lines = log.split('\n');
    // The emulator's own lines, without their timestamps, in order.
    const container = lines.filter((l) => l.startsWith('[Container] ')).map((l) => l.replace(/^\[Container\] \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} /, ''));
    const src = path.join(dataDir, 'builds', id, 'src');
    const phase = (name: string) => [`Phase complete: ${name} State: SUCCEEDED`, 'Phase context status code:  Message: '];
    expect(container).toEqual([
      'Running on codepipeline-local: commands run in a local shell on this machine (no container)',
      'Phase is DOWNLOAD_SOURCE',
      `CODEBUILD_SRC_DIR=${src}`,
      `YAML location is ${src}/buildspec.yml`,
      'Processing environment variables',
      `Moving to directory ${src}`,
      'Entering phase INSTALL',
      'Running command node --version',
      ...phase('INSTALL'),
      'Entering phase PRE_BUILD',
      'Running command node --test --test-reporter=spec',
      ...phase('PRE_BUILD'),
      'Entering phase BUILD',
      `Running command export APP_VERSION=$(node -p "require('./package.json').version")`,
      'Running command node build.mjs',
      ...phase('BUILD'),
      'Entering phase POST_BUILD',
      'Running command echo "sample-app $APP_VERSION built from $CODEBUILD_RESOLVED_SOURCE_VERSION"',
      ...phase('POST_BUILD'),
      'Entering phase UPLOAD_ARTIFACTS',
      'Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED',
    ]);
    // The commands' own output: the three tests passed, the build ran on the committed source.
    expect(lines.filter((l) => /^(✔|✖|ℹ (pass|fail) )/.test(l)).map((l) => l.replace(/ \([\d.]+ms\)$/, ''))).toEqual([
      '✔ escapeHtml escapes markup',
      '✔ shortCommit shortens a commit id, or says local',
      '✔ renderPage shows the name, version and commit',
      'ℹ pass 3',
      'ℹ fail 0',
    ]);
    expect(lines).toContain('built sample-app 1.0.0 into dist/');
    expect(lines).toContain(`sample-app 1.0.0 built from ${first}`);
  });

  it('7. put-approval-result with the token from get-pipeline-state; the deploy runs and the execution succeeds', async () => {
    const token = await approvalToken();
    expect(token).toMatch(UUID);
    const answer = await cpJson(
      'put-approval-result', '--pipeline-name', 'sample-app', '--stage-name', 'Approve', '--action-name', 'Approval',
      '--result', 'summary=Looks good,status=Approved', '--token', token,
    );
    expect(Object.keys(answer)).toEqual(['approvedAt']);
    expect(typeof answer.approvedAt).toBe('number');
    const state = await poll(stages, (s) => s === stageLines('Succeeded', 'Succeeded', 'Succeeded', 'Succeeded') || /Failed/.test(s), 15_000);
    expect(state).toBe(stageLines('Succeeded', 'Succeeded', 'Succeeded', 'Succeeded'));
    const [only] = await executions();
    expect({ id: only.pipelineExecutionId, status: only.status }).toEqual({ id: firstExecution, status: 'Succeeded' });
  }, 25_000);

  it('8. aws s3 ls s3://sample-app-site lists the built site; version.json names the commit', async () => {
    const site = await expectedSite('1.0.0', first);
    expect(Object.keys(site)).toEqual(['index.html', 'style.css', 'version.json']);
    expect(await listSite()).toEqual(sizes(site));
    expect(await ok(aws('s3', 'cp', 's3://sample-app-site/version.json', '-'))).toBe(site['version.json']);
    expect(JSON.parse(site['version.json'])).toEqual({ name: 'sample-app', version: '1.0.0', commit: first });
    expect(await ok(aws('s3', 'cp', 's3://sample-app-site/index.html', '-'))).toBe(site['index.html']);
  });

  it('9. a second commit to main starts a new execution on its own (trigger CloudWatchEvent)', async () => {
    // What the README's `npm pkg set version=1.1.0` writes (same JSON, two-space indent, final newline).
    const pkgFile = path.join(repo, 'package.json');
    fs.writeFileSync(pkgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(pkgFile, 'utf8')), version: '1.1.0' }, null, 2) + '\n');
    await git('commit', '-q', '-am', 'Version 1.1.0');
    second = await git('rev-parse', 'HEAD');
    const list = await poll(executions, (l) => l.length >= 2, 15_000);
    expect(list).toHaveLength(2);
    secondExecution = list[0].pipelineExecutionId;
    expect(list[1].pipelineExecutionId).toBe(firstExecution);
    expect(list[0]).toMatchObject({
      trigger: { triggerType: 'CloudWatchEvent', triggerDetail: RULE_ARN },
      sourceRevisions: [{ actionName: 'Source', revisionId: second, revisionSummary: 'Version 1.1.0' }],
    });
    const state = await poll(stages, (s) => s === stageLines('Succeeded', 'Succeeded', 'InProgress', 'Succeeded') || /Failed/.test(s), 30_000);
    expect(state).toBe(stageLines('Succeeded', 'Succeeded', 'InProgress', 'Succeeded'));
    expect(
      await ok(aws('codepipeline', 'list-pipeline-executions', '--pipeline-name', 'sample-app', '--query', 'pipelineExecutionSummaries[].[status,trigger.triggerType]', '--output', 'text')),
    ).toBe('InProgress\tCloudWatchEvent\nSucceeded\tCreatePipeline\n');
    const a = await actionsOf(secondExecution);
    expect(a.Build.output.outputVariables).toEqual({ APP_VERSION: '1.1.0' });
    expect(a.Approve.input.resolvedConfiguration).toEqual({ CustomData: `Deploy sample-app 1.1.0 (commit ${second}) to s3://sample-app-site?` });
  }, 50_000);

  it('10. approving the second execution deploys version 1.1.0', async () => {
    const token = await approvalToken();
    expect(token).toMatch(UUID);
    await cpJson(
      'put-approval-result', '--pipeline-name', 'sample-app', '--stage-name', 'Approve', '--action-name', 'Approval',
      '--result', 'summary=Ship it,status=Approved', '--token', token,
    );
    const list = await poll(executions, (l) => l[0]?.status !== 'InProgress', 15_000);
    expect(list.map((e) => [e.pipelineExecutionId, e.status])).toEqual([
      [secondExecution, 'Succeeded'],
      [firstExecution, 'Succeeded'],
    ]);
    const site = await expectedSite('1.1.0', second);
    expect(await listSite()).toEqual(sizes(site));
    expect(await ok(aws('s3', 'cp', 's3://sample-app-site/version.json', '-'))).toBe(site['version.json']);
  }, 25_000);
});
