// Every locally run action keeps a log, served at the URL both GetPipelineState
// (actionStates[].latestExecution.externalExecutionUrl) and ListActionExecutions
// (output.executionResult.externalExecutionUrl) show: an S3 source, an S3 deploy, a CloudFormation
// deploy, a failing simulated ECS deploy, a manual approval (approved and rejected), an action
// provider that is not simulated and Lambda handlers (a command's output, a JS handler's console).
// The logs live in the data folder: after a restart on the same folder and port, the URLs still serve them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  PutApprovalResultCommand,
  type ActionDeclaration,
  type ActionTypeId,
  type ActionExecutionDetail,
  type StageDeclaration,
} from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../src/index.js';
import { ManualClock } from '../src/util/manualClock.js';
import { zipFiles } from '../src/util/zip.js';
import { ACCOUNT, client, startEmulator } from './harness.js';
import { approvalToken, executionStatus, newestExecutionId, until } from './engineKit.js';

const clock = new ManualClock(Date.UTC(2025, 0, 15, 9, 30, 0));
const T = '2025/01/15 09:30:00.000000';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
let root: string;
let dataDir: string;
let configFile: string;
let emu: RunningEmulator;
let cp: ReturnType<typeof client>;
let s3: S3Client;
let port: number;

const TEMPLATE = JSON.stringify({
  Parameters: { Env: { Type: 'String', Default: 'dev' }, Secret: { Type: 'String', NoEcho: true } },
  Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
  Outputs: { Greeting: { Value: { 'Fn::Join': ['-', ['hello', { Ref: 'Env' }]] } } },
});
const SITE = { 'index.html': '<h1>hi</h1>', 'template.json': TEMPLATE, 'imagedefinitions.json': '[{"name":"web","imageUri":"repo/web:1"}]' };
const SOURCE_ZIP = zipFiles(Object.entries(SITE).map(([p, d]) => ({ path: p, data: Buffer.from(d) })));
const bytes = (n: number) => `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;

function connect() {
  cp = client(emu.endpoint);
  s3 = new S3Client({ endpoint: emu.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'test' }, maxAttempts: 1 });
}

let sourceVersion: string;
let sourceEtag: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-action-logs-'));
  dataDir = path.join(root, 'data');
  fs.writeFileSync(
    path.join(root, 'chatty.mjs'),
    "export const handler = async () => { console.log('hello from %s', 'the handler', { n: 1 }); console.error('about to fail'); throw new Error('boom'); };\n",
  );
  configFile = path.join(root, 'codepipeline-local.yml');
  fs.writeFileSync(
    configFile,
    [
      'lambda:',
      '  functions:',
      '    Chatty:',
      `      handler: ${path.join(root, 'chatty.mjs')}`,
      '    Shouty:',
      '      command: echo "to stdout"; echo "to stderr" >&2; exit 3',
      'simulate:',
      '  failDeployments:',
      '    - FailingEcs',
      '',
    ].join('\n'),
  );
  emu = await startEmulator({ inMemory: false, dataDir, configFile, clock });
  port = Number(new URL(emu.endpoint).port);
  connect();
  await s3.send(new CreateBucketCommand({ Bucket: 'log-src' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'log-site' }));
  const put = await s3.send(new PutObjectCommand({ Bucket: 'log-src', Key: 'app.zip', Body: SOURCE_ZIP }));
  sourceVersion = put.VersionId!;
  sourceEtag = put.ETag!.replace(/"/g, '');
});
afterAll(async () => {
  s3?.destroy();
  await emu?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const aws = (category: string, provider: string) => ({ category, owner: 'AWS', provider, version: '1' }) as ActionTypeId;
const s3Source: ActionDeclaration = {
  name: 'Source',
  actionTypeId: aws('Source', 'S3'),
  configuration: { S3Bucket: 'log-src', S3ObjectKey: 'app.zip', PollForSourceChanges: 'false' },
  outputArtifacts: [{ name: 'SourceOut' }],
};
const withInput = (a: Omit<ActionDeclaration, 'inputArtifacts'>): ActionDeclaration => ({ ...a, inputArtifacts: [{ name: 'SourceOut' }] });

async function create(name: string, stages: StageDeclaration[]): Promise<string> {
  await cp.send(
    new CreatePipelineCommand({
      pipeline: {
        name,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
        artifactStore: { type: 'S3', location: 'local-artifacts' },
        stages: [{ name: 'Source', actions: [s3Source] }, ...stages],
      },
    }),
  );
  return newestExecutionId(cp, name);
}

const settled = (name: string, id: string) => until(() => executionStatus(cp, name, id), (s) => s !== 'InProgress' && s !== 'Stopping', 15_000);

async function details(pipelineName: string, id: string): Promise<Map<string, ActionExecutionDetail>> {
  const out = await cp.send(new ListActionExecutionsCommand({ pipelineName, filter: { pipelineExecutionId: id } }));
  return new Map(out.actionExecutionDetails!.map((d) => [d.actionName!, d]));
}

async function stateUrls(pipeline: string): Promise<Map<string, string | undefined>> {
  const state = await cp.send(new GetPipelineStateCommand({ name: pipeline }));
  return new Map(state.stageStates!.flatMap((s) => s.actionStates!.map((a) => [a.actionName!, a.latestExecution?.externalExecutionUrl])));
}

/** The log behind the URL both APIs show for the action: checks they agree and answers its text. */
async function logOf(pipeline: string, d: ActionExecutionDetail): Promise<string> {
  const url = `${emu.endpoint}/_logs/${d.actionExecutionId}`;
  expect(d.output!.executionResult!.externalExecutionUrl).toBe(url);
  expect((await stateUrls(pipeline)).get(d.actionName!)).toBe(url);
  const res = await fetch(url);
  expect([res.status, res.headers.get('content-type')]).toEqual([200, 'text/plain; charset=utf-8']);
  return res.text();
}

const lines = (...l: string[]) => l.map((x) => `${x}\n`).join('');
const artifactOf = (d: ActionExecutionDetail) => d.output!.outputArtifacts![0].s3location!;

let flowId: string;
let sourceDetail: ActionExecutionDetail;
let sourceLog: string;
let approvalDetail: ActionExecutionDetail;

describe('action logs', () => {
  it('an S3 source, an S3 deploy, a CloudFormation deploy and an approval each serve what they did', async () => {
    flowId = await create('logs-flow', [
      {
        name: 'Deploy',
        actions: [
          withInput({ name: 'Site', actionTypeId: aws('Deploy', 'S3'), configuration: { BucketName: 'log-site', Extract: 'true' } }),
          withInput({
            name: 'Stack',
            actionTypeId: aws('Deploy', 'CloudFormation'),
            configuration: {
              ActionMode: 'CREATE_UPDATE',
              StackName: 'logs-stack',
              TemplatePath: 'SourceOut::template.json',
              ParameterOverrides: '{"Env":"prod","Secret":"hunter2"}',
            },
          }),
        ],
      },
      {
        name: 'Review',
        actions: [{ name: 'Gate', actionTypeId: aws('Approval', 'Manual'), configuration: { CustomData: 'check <b>this</b> & that' } }],
      },
    ]);
    const token = await approvalToken(cp, 'logs-flow', 'Review', 'Gate');
    await cp.send(new PutApprovalResultCommand({ pipelineName: 'logs-flow', stageName: 'Review', actionName: 'Gate', token, result: { status: 'Approved', summary: 'looks good' } }));
    expect(await settled('logs-flow', flowId)).toBe('Succeeded');
    const d = await details('logs-flow', flowId);

    sourceDetail = d.get('Source')!;
    const src = artifactOf(sourceDetail);
    sourceLog = await logOf('logs-flow', sourceDetail);
    expect(sourceLog).toBe(
      lines(
        `${T} Reading the latest version of s3://log-src/app.zip`,
        `${T} Read version ${sourceVersion} of s3://log-src/app.zip: ${bytes(SOURCE_ZIP.length)}, ETag ${sourceEtag}`,
        `${T} Wrote the output artifact 'SourceOut' (the object as is, ${bytes(SOURCE_ZIP.length)}) to s3://${src.bucket}/${src.key}`,
        `${T} Succeeded: revision ${sourceVersion}`,
      ),
    );
    expect(sourceDetail.output!.executionResult!.externalExecutionId).toBe(sourceVersion);

    expect(await logOf('logs-flow', d.get('Site')!)).toBe(
      lines(
        `${T} Read the input artifact 'SourceOut' (${bytes(SOURCE_ZIP.length)}); extracting its files into s3://log-site/`,
        `${T} Extracted 3 files (${bytes(11 + TEMPLATE.length + SITE['imagedefinitions.json'].length)}) from the input artifact 'SourceOut'`,
        `${T} Wrote s3://log-site/index.html (11 bytes, text/html)`,
        `${T} Wrote s3://log-site/template.json (${bytes(TEMPLATE.length)}, application/json)`,
        `${T} Wrote s3://log-site/imagedefinitions.json (${bytes(SITE['imagedefinitions.json'].length)}, application/json)`,
        `${T} Succeeded: Extracted 3 files of the artifact 'SourceOut' to s3://log-site/`,
      ),
    );

    expect(await logOf('logs-flow', d.get('Stack')!)).toBe(
      lines(
        `${T} ActionMode CREATE_UPDATE on the stack logs-stack (account ${ACCOUNT}, region us-east-1)`,
        `${T} Read the template SourceOut::template.json (${bytes(TEMPLATE.length)})`,
        `${T} Parameters: {"Env":"prod","Secret":"****"}`,
        `${T} Stack event: logs-stack AWS::CloudFormation::Stack CREATE_IN_PROGRESS (User Initiated)`,
        `${T} Stack event: Topic AWS::SNS::Topic CREATE_IN_PROGRESS`,
        `${T} Stack event: Topic AWS::SNS::Topic CREATE_COMPLETE (Simulated: the emulator records this resource type without creating it)`,
        `${T} Stack event: logs-stack AWS::CloudFormation::Stack CREATE_COMPLETE`,
        `${T} Stack logs-stack is CREATE_COMPLETE; outputs: {"Greeting":"hello-prod"}`,
        `${T} Succeeded: Created the stack logs-stack (0 resources provisioned, 1 simulated)`,
      ),
    );
    expect(d.get('Stack')!.output!.executionResult!.externalExecutionId).toMatch(/^arn:aws:cloudformation:us-east-1:123456789012:stack\/logs-stack\/[0-9a-f-]{36}$/);

    approvalDetail = d.get('Gate')!;
    expect(await logOf('logs-flow', approvalDetail)).toBe(
      lines(
        `${T} Approval requested for logs-flow / Review / Gate (pipeline execution ${flowId})`,
        `${T} Comments for the reviewer: check <b>this</b> & that`,
        `${T} Waiting for PutApprovalResult until 2025-01-22T09:30:00.000Z (10080 minutes)`,
        `${T} Approved by arn:aws:iam::${ACCOUNT}:root with the comment: looks good`,
      ),
    );
  });

  it('escapes the log in its HTML page', async () => {
    const res = await fetch(`${emu.endpoint}/_logs/${approvalDetail.actionExecutionId}?format=html`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain(`${T} Comments for the reviewer: check &lt;b&gt;this&lt;/b&gt; &amp; that\n`);
    expect(html).not.toContain('<b>this</b>');
  });

  it('streams a 64 MiB log as text and as an escaped HTML page; the server keeps answering meanwhile', async () => {
    const id = await create('logs-large', [{ name: 'Review', actions: [{ name: 'Gate', actionTypeId: aws('Approval', 'Manual') }] }]);
    const gate = await until(() => details('logs-large', id), (d) => d.get('Gate')?.status === 'InProgress');
    const actionId = gate.get('Gate')!.actionExecutionId!;
    // A log at the 64 MiB cap made only of what HTML escapes, as a chatty build leaves it (escaping it
    // as one string overflowed V8 and ended the process).
    const file = path.join(dataDir, 'logs', `${actionId}.log`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.concat([Buffer.alloc(64 * 1024 * 1024).fill('<&"\'>'), Buffer.from('\n[log truncated at 67108864 bytes]\n')]));
    const stored = fs.readFileSync(file);
    expect(stored.length).toBe(64 * 1024 * 1024 + '\n[log truncated at 67108864 bytes]\n'.length);

    /** Reads a response body counting its bytes, keeping its first and last 64 KiB; `meanwhile` runs after the first piece. */
    async function drain(res: Response, meanwhile: (received: number) => Promise<void>) {
      const reader = res.body!.getReader();
      let received = 0;
      let head = Buffer.alloc(0);
      let tail = Buffer.alloc(0);
      for (let first = true; ; first = false) {
        const { value, done } = await reader.read();
        if (done) break;
        received += value.length;
        if (head.length < 65536) head = Buffer.concat([head, value]).subarray(0, 65536);
        tail = Buffer.concat([tail, value]).subarray(-65536);
        if (first) await meanwhile(received);
      }
      return { received, head: head.toString('utf8'), tail: tail.toString('utf8') };
    }
    const healthWhileStreaming = async (received: number, total: number) => {
      const health = await fetch(`${emu.endpoint}/_health`);
      expect(health.status).toBe(200);
      await health.text();
      // The page was not finished when the server answered.
      expect(received).toBeLessThan(total);
    };

    // Computed before any request: a long pause between two requests lets the server close the idle connection.
    // The escaped page's exact size: each special character grows by its entity, every other byte stays.
    const grow = new Uint8Array(256);
    for (const [c, n] of [['<', 3], ['>', 3], ['&', 4], ['"', 5], ["'", 4]] as const) grow[c.charCodeAt(0)] = n;
    let escapedSize = stored.length;
    for (let i = 0; i < stored.length; i++) escapedSize += grow[stored[i]];
    const title = 'logs-large / Review / Gate (InProgress)';
    const pageHead = `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:sans-serif;margin:1.5em}pre{background:#111;color:#ddd;padding:1em;white-space:pre-wrap;word-break:break-all}</style></head>
<body><h1>${title}</h1><p>Action execution ${actionId}</p>
<pre>`;
    const pageTail = '</pre></body></html>\n';
    const total = Buffer.byteLength(pageHead) + escapedSize + pageTail.length;
    const text = await fetch(`${emu.endpoint}/_logs/${actionId}`);
    expect([text.status, text.headers.get('content-type'), text.headers.get('content-length')]).toEqual([200, 'text/plain; charset=utf-8', String(stored.length)]);
    const plain = await drain(text, (n) => healthWhileStreaming(n, stored.length));
    expect(plain.received).toBe(stored.length);
    expect(plain.tail).toBe(stored.subarray(-65536).toString('utf8'));

    const res = await fetch(`${emu.endpoint}/_logs/${actionId}?format=html`);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'text/html; charset=UTF-8']);
    const page = await drain(res, (n) => healthWhileStreaming(n, total));
    expect(page.received).toBe(total);
    expect(page.head.startsWith(`${pageHead}${'&lt;&amp;&quot;&#39;&gt;'.repeat(10)}`)).toBe(true);
    expect(page.tail).toMatch(/(&lt;|&amp;|&quot;|&#39;|&gt;)+\n\[log truncated at 67108864 bytes\]\n<\/pre><\/body><\/html>\n$/);
    expect(page.tail.slice(0, -pageTail.length)).not.toMatch(/[<>"']|&(?!lt;|amp;|quot;|#39;|gt;)/);
  }, 120_000);

  it('a rejected approval names who rejected it', async () => {
    const id = await create('logs-reject', [{ name: 'Review', actions: [{ name: 'Gate', actionTypeId: aws('Approval', 'Manual'), timeoutInMinutes: 5 }] }]);
    const token = await approvalToken(cp, 'logs-reject', 'Review', 'Gate');
    await cp.send(new PutApprovalResultCommand({ pipelineName: 'logs-reject', stageName: 'Review', actionName: 'Gate', token, result: { status: 'Rejected', summary: 'not today' } }));
    expect(await settled('logs-reject', id)).toBe('Failed');
    expect(await logOf('logs-reject', (await details('logs-reject', id)).get('Gate')!)).toBe(
      lines(
        `${T} Approval requested for logs-reject / Review / Gate (pipeline execution ${id})`,
        `${T} Waiting for PutApprovalResult until 2025-01-15T09:35:00.000Z (5 minutes)`,
        `${T} Rejected by arn:aws:iam::${ACCOUNT}:root with the comment: not today`,
      ),
    );
  });

  it('an action provider that is not simulated logs the reason; a failing simulated deployment logs why', async () => {
    const id = await create('logs-unsimulated', [
      {
        name: 'Build',
        actions: [
          withInput({ name: 'Publish', actionTypeId: aws('Build', 'ECRBuildAndPublish'), configuration: { ECRRepositoryName: 'web' } }),
          withInput({ name: 'FailingEcs', actionTypeId: aws('Deploy', 'ECS'), configuration: { ClusterName: 'prod', ServiceName: 'web' } }),
        ],
      },
    ]);
    expect(await settled('logs-unsimulated', id)).toBe('Failed');
    const d = await details('logs-unsimulated', id);
    const publish = d.get('Publish')!;
    expect([publish.status, publish.output!.executionResult!.externalExecutionSummary]).toEqual([
      'Failed',
      'codepipeline-local does not simulate the action provider AWS/Build/ECRBuildAndPublish/1 yet',
    ]);
    expect(await logOf('logs-unsimulated', publish)).toBe(lines(`${T} Failed: codepipeline-local does not simulate the action provider AWS/Build/ECRBuildAndPublish/1 yet`));

    const ecs = d.get('FailingEcs')!;
    const deploymentId = ecs.output!.executionResult!.externalExecutionId!;
    expect(deploymentId).toMatch(/^ecs-svc\/\d{19}$/);
    expect(await logOf('logs-unsimulated', ecs)).toBe(
      lines(
        `${T} Simulated ECS deployment: reading the input artifacts 'SourceOut'`,
        `${T} ECS deployment ${deploymentId} to the service web of the cluster prod`,
        `${T} Read from the artifacts: {"images":[{"name":"web","imageUri":"repo/web:1"}]}`,
        `${T} Recorded the simulated deployment ${deploymentId} (Failed) in account ${ACCOUNT}, region us-east-1: no AWS resources were changed`,
        `${T} Failed: ECS deployment ${deploymentId} to the service web of the cluster prod failed (simulated failure: simulate.failDeployments names this action)`,
      ),
    );
  });

  it("a Lambda command's stdout and stderr and a JS handler's console output are in the log, with the result", async () => {
    const id = await create('logs-lambda', [
      {
        name: 'Invoke',
        actions: [
          withInput({ name: 'Shouty', actionTypeId: aws('Invoke', 'Lambda'), configuration: { FunctionName: 'Shouty' } }),
          withInput({ name: 'Chatty', actionTypeId: aws('Invoke', 'Lambda'), configuration: { FunctionName: 'Chatty' } }),
        ],
      },
    ]);
    expect(await settled('logs-lambda', id)).toBe('Failed');
    const d = await details('logs-lambda', id);
    const shouty = (await logOf('logs-lambda', d.get('Shouty')!)).replace(UUID, '<job>');
    // stdout and stderr arrive on two pipes: their relative order is not fixed.
    const shoutyLines = shouty.split('\n');
    expect([shoutyLines[0], [...shoutyLines.slice(1, 3)].sort(), shoutyLines.slice(3)]).toEqual([
      `${T} Invoking the function Shouty (local handler: the command: echo "to stdout"; echo "to stderr" >&2; exit 3) with job <job>`,
      ['to stderr', 'to stdout'],
      [
        `${T} The function failed: the command exited with code 3: to stderr`,
        `${T} Job result: Failed: JobFailed: The Lambda function Shouty failed without reporting a job result: the command exited with code 3: to stderr`,
        '',
      ],
    ]);
    const chatty = (await logOf('logs-lambda', d.get('Chatty')!)).replace(UUID, '<job>').replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t/gm, '<time>\t');
    expect(chatty).toBe(
      lines(
        `${T} Invoking the function Chatty (local handler: the JS module ${path.join(root, 'chatty.mjs')}) with job <job>`,
        '<time>\tINFO\thello from the handler { n: 1 }',
        '<time>\tERROR\tabout to fail',
        `${T} The function failed: boom`,
        `${T} Job result: Failed: JobFailed: The Lambda function Chatty failed without reporting a job result: boom`,
      ),
    );
  });

  it('a timed-out approval says so (the clock moves on: this runs after the others)', async () => {
    const late = await create('logs-late', [{ name: 'Review', actions: [{ name: 'Gate', actionTypeId: aws('Approval', 'Manual'), timeoutInMinutes: 5 }] }]);
    await approvalToken(cp, 'logs-late', 'Review', 'Gate');
    clock.advance(5 * 60_000);
    emu.engine.runDueTimers();
    expect(await settled('logs-late', late)).toBe('Failed');
    const T5 = '2025/01/15 09:35:00.000000';
    expect(await logOf('logs-late', (await details('logs-late', late)).get('Gate')!)).toBe(
      lines(
        `${T} Approval requested for logs-late / Review / Gate (pipeline execution ${late})`,
        `${T} Waiting for PutApprovalResult until 2025-01-15T09:35:00.000Z (5 minutes)`,
        `${T5} No answer arrived before the approval timeout`,
        `${T5} The approval request timed out: The approval request has expired.`,
      ),
    );
  });

  it('logs outlive a restart on the same data folder: the URLs the APIs show still serve them', async () => {
    await emu.stop();
    emu = await startEmulator({ inMemory: false, dataDir, configFile, clock, port });
    connect();
    const d = await details('logs-flow', flowId);
    expect(d.get('Source')!.actionExecutionId).toBe(sourceDetail.actionExecutionId);
    expect(await logOf('logs-flow', d.get('Source')!)).toBe(sourceLog);
    // A short log is kept in the database: no file was made for it.
    expect(fs.existsSync(path.join(dataDir, 'logs', `${sourceDetail.actionExecutionId}.log`))).toBe(false);
  });

  it('DeletePipeline removes the short logs of its actions in its own commit (one commit in all)', async () => {
    const id = await create('logs-deleted', [{ name: 'Review', actions: [{ name: 'Gate', actionTypeId: aws('Approval', 'Manual') }] }]);
    const source = (await until(() => details('logs-deleted', id), (d) => d.get('Source')?.status === 'Succeeded', 15_000)).get('Source')!;
    expect(await logOf('logs-deleted', source)).toContain('Wrote the output artifact');
    const db = emu.store.db;
    const held = () => db.prepare('SELECT COUNT(*) FROM action_log_chunks WHERE id = ?').pluck().get(source.actionExecutionId);
    expect(held()).toBeGreaterThan(0);
    // Every transaction that commits: the store's, and any made on the connection itself.
    let commits = 0;
    const store = emu.store as { tx: unknown };
    const tx = emu.store.tx.bind(emu.store);
    store.tx = <T>(fn: () => T): T => {
      if (!db.inTransaction) commits++;
      return tx(fn);
    };
    const transaction = db.transaction.bind(db);
    (db as { transaction: unknown }).transaction = (fn: (...a: unknown[]) => unknown) => {
      const t = transaction(fn);
      return (...a: unknown[]) => {
        if (!db.inTransaction) commits++;
        return t(...a);
      };
    };
    try {
      await cp.send(new DeletePipelineCommand({ name: 'logs-deleted' }));
      await new Promise((r) => setImmediate(r));
      expect({ commits, held: held() }).toEqual({ commits: 1, held: 0 });
    } finally {
      delete store.tx;
      delete (db as { transaction?: unknown }).transaction;
    }
    expect((await fetch(`${emu.endpoint}/_logs/${source.actionExecutionId}`)).status).toBe(404);
  });
});
