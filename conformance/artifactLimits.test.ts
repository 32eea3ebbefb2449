// Input artifacts are unpacked off the event loop and within limits: a zip bomb from an S3 source fails
// the actions that read it (naming the artifact and the limit), a zip whose sizes lie is refused, and
// the server keeps answering while a large artifact is being extracted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Zip, ZipDeflate, zipSync, type ZipInputFile } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatePipelineCommand, ListActionExecutionsCommand, type ActionDeclaration, type ActionExecutionDetail, type ActionTypeId, type StageDeclaration } from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RunningEmulator } from '../src/index.js';
import { ACCOUNT, client, startEmulator } from './harness.js';
import { executionStatus, newestExecutionId, until } from './engineKit.js';
import { fetchLog } from './localBuildKit.js';
import { killEntry, startEntry, type Entry } from './scripts/entry.js';

const MiB = 1024 * 1024;

/** A zip of one file of `bytes` zeros (a zip bomb: ~1 KiB of zip per MiB), compressed natively so building it stays quick. */
function zerosZip(name: string, bytes: number, extra: Record<string, string> = {}): Buffer {
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, data) => {
    if (err) throw err;
    parts.push(data);
  });
  for (const [file, text] of Object.entries(extra)) {
    const e = new ZipDeflate(file);
    zip.add(e);
    e.push(Buffer.from(text), true);
  }
  const zeros = Buffer.alloc(bytes);
  const entry: ZipInputFile = { filename: name, size: bytes, crc: zlib.crc32(zeros), compression: 8 };
  zip.add(entry);
  entry.ondata!(null, zlib.deflateRawSync(zeros, { level: 1 }), true);
  zip.end();
  return Buffer.concat(parts);
}

/** `zip` with every size field of its (single) entry claiming `size` bytes. */
function claiming(zip: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(zip);
  const view = new DataView(out.buffer);
  for (let at = 0; at + 46 <= out.length; at++) {
    const sig = view.getUint32(at, true);
    if (sig === 0x04034b50) view.setUint32(at + 22, size, true);
    if (sig === 0x02014b50) view.setUint32(at + 24, size, true);
  }
  return out;
}

interface Setup {
  emu: RunningEmulator;
  cp: ReturnType<typeof client>;
  s3: S3Client;
  root: string;
}

async function setUp(maxArtifactSize?: number): Promise<Setup> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-artifact-limits-'));
  const emu = await startEmulator({ inMemory: false, dataDir: path.join(root, 'data'), ...(maxArtifactSize !== undefined && { maxArtifactSize }) });
  const s3 = new S3Client({ endpoint: emu.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'test' }, maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: 'sources' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'site' }));
  return { emu, cp: client(emu.endpoint), s3, root };
}

async function tearDown(s: Setup | undefined) {
  s?.s3.destroy();
  await s?.emu.stop();
  if (s?.root) fs.rmSync(s.root, { recursive: true, force: true });
}

const aws = (category: string, provider: string) => ({ category, owner: 'AWS', provider, version: '1' }) as ActionTypeId;
const reads = (name: string, category: string, provider: string, configuration: Record<string, string>): ActionDeclaration => ({
  name,
  actionTypeId: aws(category, provider),
  configuration,
  inputArtifacts: [{ name: 'SourceOut' }],
});

/** Puts `zip` at s3://sources/<name>.zip and creates a pipeline whose S3 source reads it (which starts it). */
async function pipelineReading(s: Setup, name: string, zip: Uint8Array, stages: StageDeclaration[]): Promise<string> {
  await s.s3.send(new PutObjectCommand({ Bucket: 'sources', Key: `${name}.zip`, Body: zip }));
  await s.cp.send(
    new CreatePipelineCommand({
      pipeline: {
        name,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
        artifactStore: { type: 'S3', location: 'local-artifacts' },
        stages: [
          {
            name: 'Source',
            actions: [{ name: 'Source', actionTypeId: aws('Source', 'S3'), configuration: { S3Bucket: 'sources', S3ObjectKey: `${name}.zip`, PollForSourceChanges: 'false' }, outputArtifacts: [{ name: 'SourceOut' }] }],
          },
          ...stages,
        ],
      },
    }),
  );
  return newestExecutionId(s.cp, name);
}

const settled = (s: Setup, name: string, id: string) => until(() => executionStatus(s.cp, name, id), (v) => v !== 'InProgress' && v !== 'Stopping', 60_000);

async function details(s: Setup, pipelineName: string, id: string): Promise<Map<string, ActionExecutionDetail>> {
  const out = await s.cp.send(new ListActionExecutionsCommand({ pipelineName, filter: { pipelineExecutionId: id } }));
  return new Map(out.actionExecutionDetails!.map((d) => [d.actionName!, d]));
}

const summary = (d: ActionExecutionDetail | undefined) => d?.output?.executionResult?.externalExecutionSummary;

describe('an input artifact over --max-artifact-size (4 MiB here)', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp(4 * MiB);
  });
  afterAll(() => tearDown(s));

  it('fails every action that reads it, naming the artifact and the limit; nothing was extracted', async () => {
    const bomb = zerosZip('zeros.bin', 64 * MiB, { 'buildspec.yml': 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo built\n' });
    expect(bomb.length).toBeLessThan(MiB);
    const id = await pipelineReading(s, 'bomb', bomb, [
      {
        name: 'Use',
        actions: [
          reads('Build', 'Build', 'CodeBuild', { ProjectName: 'bomb' }),
          reads('Site', 'Deploy', 'S3', { BucketName: 'site', Extract: 'true' }),
          reads('Run', 'Invoke', 'StepFunctions', { StateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:m`, InputType: 'FilePath', Input: 'zeros.bin' }),
        ],
      },
    ]);
    expect(await settled(s, 'bomb', id)).toBe('Failed');
    const d = await details(s, 'bomb', id);
    const refusal = "expands to more than 4,194,304 bytes (it claims 67,108,864 bytes), the limit of one file codepipeline-local extracts (--max-artifact-size): refusing to extract it";
    expect(summary(d.get('Site'))).toBe(`The entry 'zeros.bin' of the input artifact 'SourceOut' ${refusal}`);
    expect(summary(d.get('Run'))).toBe(`The entry 'zeros.bin' of the input artifact 'SourceOut' ${refusal}`);
    expect(d.get('Build')?.status).toBe('Failed');
    expect(summary(d.get('Build'))).toContain(`the entry 'zeros.bin' of the input artifact SourceOut ${refusal}`);
    const built = fs.readdirSync(path.join(s.root, 'data', 'builds'), { recursive: true, encoding: 'utf8' });
    expect(built.filter((f) => f.endsWith('zeros.bin'))).toEqual([]);
  });

  it('refuses a zip whose entries inflate past the sizes they declare', async () => {
    const liar = claiming(zipSync({ 'small.txt': new Uint8Array(MiB) }), 1024);
    const id = await pipelineReading(s, 'liar', liar, [{ name: 'Use', actions: [reads('Site', 'Deploy', 'S3', { BucketName: 'site', Extract: 'true' })] }]);
    expect(await settled(s, 'liar', id)).toBe('Failed');
    expect(summary((await details(s, 'liar', id)).get('Site'))).toBe(
      "The input artifact 'SourceOut' is not a valid zip archive: zip entry 'small.txt' inflates to more than the 1024 bytes it declares",
    );
  });

  it('still extracts an artifact within the limit', async () => {
    const ok = zerosZip('zeros.bin', 3 * MiB);
    const id = await pipelineReading(s, 'within', ok, [{ name: 'Use', actions: [reads('Site', 'Deploy', 'S3', { BucketName: 'site', Extract: 'true', ObjectKey: 'within' })] }]);
    expect(await settled(s, 'within', id)).toBe('Succeeded');
    expect(summary((await details(s, 'within', id)).get('Site'))).toBe("Extracted 1 file of the artifact 'SourceOut' to s3://site/within/");
  });
});

describe('a large input artifact being extracted', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp();
  });
  afterAll(() => tearDown(s));

  it('by default refuses a file that claims more than 2 GiB, before inflating anything', async () => {
    const claims = claiming(zipSync({ 'big.bin': new Uint8Array(1024) }), 3 * 1024 * MiB);
    const id = await pipelineReading(s, 'claims', claims, [{ name: 'Use', actions: [reads('Site', 'Deploy', 'S3', { BucketName: 'site', Extract: 'true' })] }]);
    expect(await settled(s, 'claims', id)).toBe('Failed');
    expect(summary((await details(s, 'claims', id)).get('Site'))).toBe(
      "The entry 'big.bin' of the input artifact 'SourceOut' expands to more than 2,147,483,648 bytes (it claims 3,221,225,472 bytes), the limit of one file codepipeline-local extracts (--max-artifact-size): refusing to extract it",
    );
  });

  it('does not hold up the server: /_health answers before the extraction ends', async () => {
    const size = 128 * MiB;
    const zip = zerosZip('zeros.bin', size, { 'buildspec.yml': 'version: 0.2\nphases:\n  build:\n    commands:\n      - wc -c < zeros.bin\n' });
    const id = await pipelineReading(s, 'large', zip, [{ name: 'Build', actions: [reads('Build', 'Build', 'CodeBuild', { ProjectName: 'large' })] }]);
    const build = await until(
      async () => (await details(s, 'large', id)).get('Build'),
      (d) => d !== undefined,
      30_000,
    );
    // The build logs DOWNLOAD_SOURCE before it extracts and CODEBUILD_SRC_DIR right after (with no wait in
    // between): were the extraction on the event loop, /_health could only answer once both were logged.
    await until(
      () => fetchLog(s.emu, build!.actionExecutionId!),
      (l) => l.text.includes('Phase is DOWNLOAD_SOURCE'),
      30_000,
    );
    const health = await fetch(`${s.emu.endpoint}/_health`);
    expect(health.status).toBe(200);
    expect((await fetchLog(s.emu, build!.actionExecutionId!)).text).not.toContain('CODEBUILD_SRC_DIR=');
    // And the extraction itself completed: the build saw every byte.
    expect(await settled(s, 'large', id)).toBe('Succeeded');
    expect((await fetchLog(s.emu, build!.actionExecutionId!)).text).toMatch(new RegExp(`^${size}$`, 'm'));
  });
});

describe('--max-artifact-size on the command line', () => {
  let entry: Entry | undefined;
  let root: string;
  afterAll(async () => {
    await killEntry(entry);
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('sets the limit the real CLI entry applies', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-artifact-flag-'));
    entry = await startEntry({ args: ['--port', '0', '--data-dir', path.join(root, 'data'), '--log-level', 'warn', '--max-artifact-size', '1KiB'] });
    const s3 = new S3Client({ endpoint: entry.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'test' }, maxAttempts: 1 });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'sources' }));
      await s3.send(new CreateBucketCommand({ Bucket: 'site' }));
      const s: Setup = { emu: { endpoint: entry.endpoint } as RunningEmulator, cp: client(entry.endpoint), s3, root };
      const id = await pipelineReading(s, 'flag', zipSync({ 'two.bin': new Uint8Array(2048) }), [{ name: 'Use', actions: [reads('Site', 'Deploy', 'S3', { BucketName: 'site', Extract: 'true' })] }]);
      expect(await settled(s, 'flag', id)).toBe('Failed');
      expect(summary((await details(s, 'flag', id)).get('Site'))).toBe(
        "The entry 'two.bin' of the input artifact 'SourceOut' expands to more than 1,024 bytes (it claims 2,048 bytes), the limit of one file codepipeline-local extracts (--max-artifact-size): refusing to extract it",
      );
    } finally {
      s3.destroy();
    }
  });
});
