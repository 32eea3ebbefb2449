// `codepipeline-local watch`: the real CLI entry as a child process against an emulator started here.
// It draws the pipeline view, redraws as the execution moves, and exits with the execution's outcome.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodePipelineClient, CreatePipelineCommand, GetPipelineStateCommand, PutApprovalResultCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, useEmulator } from '../harness.js';
import { commitFiles, git } from '../gitKit.js';
import { sourceAction, sourceThenApproval } from '../sourceKit.js';
import { until } from '../engineKit.js';
import { entryArgs, ROOT, runEntry } from '../scripts/entry.js';
import { CREDENTIALS, KEY } from '../sigv4Kit.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-watch-'));
const dataDir = path.join(tmp, 'data');
const t = useEmulator({ dataDir, inMemory: false, logLevel: 'warn' });

const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: ACCOUNT, AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' };
for (const k of Object.keys(env)) if (k.startsWith('CODEPIPELINE_LOCAL_') || k.startsWith('AWS_ENDPOINT_URL')) delete env[k];

/** `watch ARGS` as a child: its output so far, and its exit code once it ends (bounded in time). */
function watch(args: string[], endpoint = t.emu.endpoint, childEnv = env) {
  const child = spawn(process.execPath, entryArgs('tsx', ['watch', ...args, '--endpoint', endpoint]), { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? -1);
    }),
  );
  return { out: () => stdout, err: () => stderr, exited };
}

const approvalToken = async (name: string) => {
  const state = await until(
    () => t.cp.send(new GetPipelineStateCommand({ name })),
    (s) => s.stageStates?.[1]?.actionStates?.[0]?.latestExecution?.token !== undefined,
    15_000,
  );
  return state.stageStates![1].actionStates![0].latestExecution!.token!;
};

beforeAll(async () => {
  const repo = path.join(dataDir, 'git', 'app');
  fs.mkdirSync(repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  commitFiles(repo, { 'README.md': 'app\n' }, 'First version');
  const source = sourceAction('CodeCommit', { RepositoryName: 'app', BranchName: 'main', PollForSourceChanges: 'false' });
  await t.cp.send(new CreatePipelineCommand({ pipeline: sourceThenApproval('app', source, 'app-artifacts') }));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const approve = async (status: 'Approved' | 'Rejected') =>
  t.cp.send(new PutApprovalResultCommand({ pipelineName: 'app', stageName: 'Approve', actionName: 'Approve', token: await approvalToken('app'), result: { status, summary: `${status} by the test` } }));

describe('codepipeline-local watch', () => {
  it('draws the stages live and exits 0 when the followed execution succeeds', async () => {
    await approvalToken('app');
    const w = watch(['app']);
    // The first frame: the execution waits at the approval.
    await until(async () => w.out(), (o) => /Approve {2}InProgress/.test(o), 15_000);
    const first = w.out();
    expect(first).toMatch(/^app {2}execution [0-9a-f-]{36} {2}InProgress\n\n Source {2}Succeeded\n {3}─ Source \(CodeCommit\) {2}Succeeded {2}First version/);
    expect(first).toContain('\n   ↓\n Approve  InProgress\n   ─ Approve (Manual)  InProgress');
    await approve('Approved');
    expect(await w.exited).toBe(0);
    const frames = w.out().split(/\n(?=app {2}execution )/);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames.at(-1)).toMatch(/^app {2}execution [0-9a-f-]{36} {2}Succeeded\n/);
    expect(frames.at(-1)).toContain('Approve (Manual)  Succeeded  Approved by the test');
    expect(w.err()).toBe('');
  });

  it('follows the execution named by --execution-id, and exits 1 when it fails', async () => {
    const { pipelineExecutionId } = await t.cp.send(new StartPipelineExecutionCommand({ name: 'app' }));
    await approvalToken('app');
    const w = watch(['app', '--execution-id', pipelineExecutionId!]);
    await until(async () => w.out(), (o) => o.includes(pipelineExecutionId!), 15_000);
    await approve('Rejected');
    expect(await w.exited).toBe(1);
    expect(w.out().split(/\n(?=app {2}execution )/).at(-1)).toMatch(new RegExp(`^app {2}execution ${pipelineExecutionId} {2}Failed`));
  });

  it('exits at once with the outcome of an execution that already ended', async () => {
    const r = watch(['app']);
    expect(await r.exited).toBe(1);
    expect(r.out()).toMatch(/^app {2}execution [0-9a-f-]{36} {2}Failed/);
  });

  it('an unknown pipeline: AWS\'s error on one line, exit 2', async () => {
    const w = watch(['nope']);
    expect(await w.exited).toBe(2);
    expect(w.err()).toBe(`codepipeline-local watch: PipelineNotFoundException: Account '${ACCOUNT}' does not have a pipeline with name 'nope'\n`);
    expect(w.out()).toBe('');
  });

  it('--execution-id without watch is a usage error', async () => {
    const r = await runEntry({ args: ['--execution-id', 'x'] });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('codepipeline-local: --execution-id and --region go with the watch command');
  });
});

describe('codepipeline-local watch against an emulator that verifies signatures', () => {
  const signedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-watch-signed-'));
  const s = useEmulator({ dataDir: signedDir, inMemory: false, logLevel: 'warn', credentials: CREDENTIALS });
  const keyEnv = (secret: string): NodeJS.ProcessEnv => ({ ...env, AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: secret });
  afterAll(() => fs.rmSync(signedDir, { recursive: true, force: true }));

  it('signs with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, follows the execution, exits 0', async () => {
    const repo = path.join(signedDir, 'git', 'app');
    fs.mkdirSync(repo, { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    commitFiles(repo, { 'README.md': 'app\n' }, 'First version');
    const cp = new CodePipelineClient({ endpoint: s.emu.endpoint, region: 'us-east-1', credentials: KEY, maxAttempts: 1 });
    const source = sourceAction('CodeCommit', { RepositoryName: 'app', BranchName: 'main', PollForSourceChanges: 'false' });
    await cp.send(new CreatePipelineCommand({ pipeline: sourceThenApproval('team', source, 'team-artifacts') }));
    const state = await until(() => cp.send(new GetPipelineStateCommand({ name: 'team' })), (st) => st.stageStates?.[1]?.actionStates?.[0]?.latestExecution?.token !== undefined, 15_000);
    const w = watch(['team'], s.emu.endpoint, keyEnv(KEY.secretAccessKey));
    await until(async () => w.out(), (o) => /Approve {2}InProgress/.test(o), 15_000);
    const token = state.stageStates![1].actionStates![0].latestExecution!.token!;
    await cp.send(new PutApprovalResultCommand({ pipelineName: 'team', stageName: 'Approve', actionName: 'Approve', token, result: { status: 'Approved', summary: 'ok' } }));
    expect(await w.exited).toBe(0);
    expect(w.err()).toBe('');
  });

  it('a wrong secret: AWS\'s error on one line, exit 2', async () => {
    const w = watch(['team'], s.emu.endpoint, keyEnv('wrong'));
    expect(await w.exited).toBe(2);
    expect(w.err()).toMatch(/^codepipeline-local watch: InvalidSignatureException: The request signature we calculated does not match/);
  });
});
