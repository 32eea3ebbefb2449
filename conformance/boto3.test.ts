// The same smoke as cli.test.ts through boto3 (conformance/scripts/boto3_smoke.py): CRUD,
// the list_pipelines paginator, and ClientErrors with the right Error.Code.
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.js';
import { ACCOUNT, startEmulator } from './harness.js';
import { fixturePipeline } from './fixtures.js';
import { clientEnv, withDefaults } from './scripts/expected.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const SCRIPT = path.join(ROOT, 'conformance', 'scripts', 'boto3_smoke.py');
const FIXTURE = path.join(ROOT, 'fixtures', 'pipelines', 's3-build-approve-deploy.json');
const NAME = 's3-build-approve-deploy';
const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { env: clientEnv() }).status === 0;

let emu: RunningEmulator;
let out: any;

describe.skipIf(!hasBoto3)(hasBoto3 ? 'boto3' : 'boto3 (skipped: python3 with boto3 is not installed)', () => {
  beforeAll(async () => {
    emu = await startEmulator();
    // Asynchronous on purpose: the emulator answers from this same event loop.
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile('python3', [SCRIPT, emu.endpoint, FIXTURE], { env: clientEnv(), timeout: 60_000 }, (e, so, se) =>
        e ? reject(new Error(`boto3 script failed: ${se}`)) : resolve(so),
      ),
    );
    out = JSON.parse(stdout);
  });
  afterAll(() => emu?.stop());

  const decl = () => fixturePipeline('s3-build-approve-deploy.json');

  it('create_pipeline answers the declaration with defaults and the tags', () => {
    expect(out.create).toEqual({ pipeline: withDefaults(decl()), tags: [{ key: 'team', value: 'a' }] });
  });

  it('get_pipeline answers the declaration and metadata with datetimes', () => {
    const created = out.get.metadata.created.datetime;
    expect(typeof created).toBe('number');
    expect(out.get).toEqual({
      pipeline: withDefaults(decl()),
      metadata: { pipelineArn: `arn:aws:codepipeline:us-east-1:${ACCOUNT}:${NAME}`, created: { datetime: created }, updated: { datetime: created } },
    });
  });

  it('update_pipeline bumps the version and keeps version 1', () => {
    const d = decl();
    d.stages![1].actions![0].configuration = { ProjectName: 'other-project' };
    expect(out.update).toEqual({ pipeline: withDefaults(d, 2) });
    expect(out.getV1).toBe(1);
  });

  it('the list_pipelines paginator walks every page in name order', () => {
    expect(out.pages).toEqual([
      ['p-a', 'p-b'],
      ['p-c', 'p-d'],
      ['p-e', NAME],
    ]);
    expect(out.listFirst.pipelines).toHaveLength(1);
    expect(out.listFirst.pipelines[0]).toMatchObject({ name: 'p-a', version: 1, pipelineType: 'V1', executionMode: 'SUPERSEDED' });
    expect(typeof out.listFirst.pipelines[0].created.datetime).toBe('number');
    expect(typeof out.listFirst.nextToken).toBe('string');
  });

  it('raises ClientError with the modelled Error.Code', () => {
    expect(out.missing).toEqual({
      code: 'PipelineNotFoundException',
      message: `Account '${ACCOUNT}' does not have a pipeline with name 'missing'`,
      status: 400,
    });
    expect(out.nameInUse.code).toBe('PipelineNameInUseException');
    expect(out.nameInUse.status).toBe(400);
    expect(out.modelledClass).toBe(true);
  });

  it('raises the server ValidationException when client-side validation is off', () => {
    expect(out.invalid).toEqual({
      code: 'ValidationException',
      message:
        "2 validation errors detected: Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+; " +
        "Value '0' at 'version' failed to satisfy constraint: Member must have value greater than or equal to 1",
      status: 400,
    });
  });

  it('delete_pipeline answers an empty result and the pipeline is gone', () => {
    expect(out.delete).toEqual({});
    expect(out.afterDelete).toEqual(['p-a', 'p-b', 'p-c', 'p-d', 'p-e']);
  });
});
