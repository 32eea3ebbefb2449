// Smoke tests with the real AWS CLI (v1) as the client: pipeline CRUD, an error, and the
// AWS_ENDPOINT_URL_CODEPIPELINE form of pointing the CLI at the emulator.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.js';
import { ACCOUNT, startEmulator } from './harness.js';
import { fixturePipeline } from './fixtures.js';
import { clientEnv, withDefaults } from './scripts/expected.js';

const FIXTURE = path.resolve(import.meta.dirname, '..', 'fixtures', 'pipelines', 's3-build-approve-deploy.json');
const NAME = 's3-build-approve-deploy';
const hasAws = spawnSync('aws', ['--version'], { env: clientEnv() }).status === 0;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `aws ...` asynchronously (the emulator shares this event loop, so never a sync spawn). */
function aws(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile('aws', args, { env: clientEnv(extraEnv), timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let emu: RunningEmulator;
let tmp: string;
const cp = (...args: string[]) => aws(['--endpoint-url', emu.endpoint, '--output', 'json', 'codepipeline', ...args]);
const json = (r: Run) => {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

describe.skipIf(!hasAws)(hasAws ? 'AWS CLI v1' : 'AWS CLI v1 (skipped: `aws` is not on PATH)', () => {
  beforeAll(async () => {
    emu = await startEmulator();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-cli-'));
  });
  afterAll(async () => {
    await emu?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('create-pipeline --cli-input-json file://fixture answers the declaration with defaults', async () => {
    const out = json(await cp('create-pipeline', '--cli-input-json', `file://${FIXTURE}`));
    expect(out).toEqual({ pipeline: withDefaults(fixturePipeline('s3-build-approve-deploy.json')) });
  });

  it('list-pipelines lists it with epoch-second timestamps', async () => {
    const out = json(await cp('list-pipelines'));
    expect(out.pipelines).toHaveLength(1);
    const [p] = out.pipelines;
    expect(p).toEqual({ name: NAME, version: 1, pipelineType: 'V1', executionMode: 'SUPERSEDED', created: p.created, updated: p.created });
    expect(typeof p.created).toBe('number');
  });

  it('get-pipeline answers the declaration and metadata', async () => {
    const out = json(await cp('get-pipeline', '--name', NAME));
    expect(out.pipeline).toEqual(withDefaults(fixturePipeline('s3-build-approve-deploy.json')));
    expect(out.metadata).toEqual({
      pipelineArn: `arn:aws:codepipeline:us-east-1:${ACCOUNT}:${NAME}`,
      created: out.metadata.created,
      updated: out.metadata.created,
    });
    expect(typeof out.metadata.created).toBe('number');
  });

  it('update-pipeline bumps the version; get-pipeline --pipeline-version reads history', async () => {
    const decl = fixturePipeline('s3-build-approve-deploy.json');
    decl.stages![1].actions![0].configuration = { ProjectName: 'other-project' };
    const file = path.join(tmp, 'update.json');
    fs.writeFileSync(file, JSON.stringify({ pipeline: decl }));
    const out = json(await cp('update-pipeline', '--cli-input-json', `file://${file}`));
    expect(out).toEqual({ pipeline: withDefaults(decl, 2) });
    const current = json(await cp('get-pipeline', '--name', NAME));
    expect(current.pipeline).toEqual(withDefaults(decl, 2));
    const v1 = json(await cp('get-pipeline', '--name', NAME, '--pipeline-version', '1'));
    expect(v1.pipeline).toEqual(withDefaults(fixturePipeline('s3-build-approve-deploy.json')));
  });

  it('get-pipeline of a missing name fails with PipelineNotFoundException', async () => {
    const r = await cp('get-pipeline', '--name', 'missing');
    expect([254, 255]).toContain(r.code);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      `An error occurred (PipelineNotFoundException) when calling the GetPipeline operation: Account '${ACCOUNT}' does not have a pipeline with name 'missing'`,
    );
  });

  it('a validation error reaches the CLI as ValidationException', async () => {
    const r = await cp('get-pipeline', '--name', 'bad name!');
    expect([254, 255]).toContain(r.code);
    expect(r.stderr.trim()).toBe(
      "An error occurred (ValidationException) when calling the GetPipeline operation: 1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+",
    );
  });

  it('AWS_ENDPOINT_URL_CODEPIPELINE points the CLI at the emulator without --endpoint-url', async () => {
    const r = await aws(['codepipeline', 'list-pipelines', '--output', 'json'], { AWS_ENDPOINT_URL_CODEPIPELINE: emu.endpoint });
    expect(json(r).pipelines.map((p: { name: string }) => p.name)).toEqual([NAME]);
    const general = await aws(['codepipeline', 'list-pipelines', '--output', 'json'], { AWS_ENDPOINT_URL: emu.endpoint });
    expect(json(general).pipelines.map((p: { name: string }) => p.name)).toEqual([NAME]);
  });

  it('delete-pipeline prints nothing and the pipeline is gone', async () => {
    const r = await cp('delete-pipeline', '--name', NAME);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(json(await cp('list-pipelines'))).toEqual({ pipelines: [] });
    const again = await cp('get-pipeline', '--name', NAME);
    expect(again.stderr).toContain('(PipelineNotFoundException)');
  });
});
