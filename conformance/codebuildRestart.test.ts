// Projects, builds, build numbers, parameters and secrets are durable: an emulator started again on the
// same data folder has them all; build numbers carry on from the JSON file earlier versions kept; a
// build the previous process left running ends as FAULT.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchGetBuildsCommand, BatchGetProjectsCommand, CodeBuildClient, CreateProjectCommand, StartBuildCommand } from '@aws-sdk/client-codebuild';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { RunningEmulator } from '../src/index.js';
import { ACCOUNT, startEmulator } from './harness.js';
import { until } from './engineKit.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-codebuild-restart-'));
let emu: RunningEmulator | undefined;
afterAll(async () => {
  await emu?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const creds = { accessKeyId: ACCOUNT, secretAccessKey: 'x' };
const cb = () => new CodeBuildClient({ endpoint: emu!.endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
const ssm = () => new SSMClient({ endpoint: emu!.endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
const buildspec = (command: string) => `version: 0.2\nphases:\n  build:\n    commands:\n      - ${command}\n`;
const project = (name: string, command: string) =>
  new CreateProjectCommand({
    name,
    source: { type: 'NO_SOURCE', buildspec: buildspec(command) },
    artifacts: { type: 'NO_ARTIFACTS' },
    environment: { type: 'LINUX_CONTAINER', image: 'i', computeType: 'BUILD_GENERAL1_SMALL' },
    serviceRole: 'role',
  });

describe('CodeBuild and SSM state across a restart', () => {
  it('keeps everything, carries build numbers over, and ends an interrupted build as FAULT', async () => {
    fs.mkdirSync(path.join(dataDir, 'builds'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'builds', 'build-numbers.json'), JSON.stringify({ [`${ACCOUNT}/us-east-1/legacy-project`]: 7 }));
    emu = await startEmulator({ inMemory: false, dataDir });
    await cb().send(project('legacy-project', 'echo ok'));
    await cb().send(project('sleeping-project', 'sleep 60'));
    await ssm().send(new PutParameterCommand({ Name: '/kept', Value: 'kept-value', Type: 'SecureString' }));
    emu.store.secrets.create({ account: ACCOUNT, region: 'us-east-1' }, 'kept-secret', 'shh', 1);
    const { build: done } = await cb().send(new StartBuildCommand({ projectName: 'legacy-project' }));
    expect(done?.buildNumber).toBe(8);
    await until(() => cb().send(new BatchGetBuildsCommand({ ids: [done!.id!] })), (o) => o.builds?.[0]?.buildComplete === true, 20_000);
    const { build: running } = await cb().send(new StartBuildCommand({ projectName: 'sleeping-project' }));
    await until(() => cb().send(new BatchGetBuildsCommand({ ids: [running!.id!] })), (o) => o.builds?.[0]?.currentPhase === 'BUILD', 20_000);
    await emu.stop();

    emu = await startEmulator({ inMemory: false, dataDir });
    expect((await cb().send(new BatchGetProjectsCommand({ names: ['legacy-project', 'sleeping-project'] }))).projects?.map((p) => p.name)).toEqual(['legacy-project', 'sleeping-project']);
    expect((await ssm().send(new GetParameterCommand({ Name: '/kept', WithDecryption: true }))).Parameter?.Value).toBe('kept-value');
    expect(emu.store.secrets.value({ account: ACCOUNT, region: 'us-east-1' }, 'kept-secret')).toBe('shh');
    const { builds } = await cb().send(new BatchGetBuildsCommand({ ids: [done!.id!, running!.id!] }));
    expect(builds?.map((b) => [b.buildNumber, b.buildStatus, b.buildComplete])).toEqual([
      [8, 'SUCCEEDED', true],
      [1, 'FAULT', true],
    ]);
    expect(builds?.[1].phases?.find((p) => p.phaseType === 'BUILD')?.contexts).toEqual([{ statusCode: 'CLIENT_ERROR', message: 'codepipeline-local stopped while the build ran' }]);
    expect((await cb().send(new StartBuildCommand({ projectName: 'legacy-project' }))).build?.buildNumber).toBe(9);
    expect(fs.existsSync(path.join(dataDir, 'builds', 'build-numbers.json.migrated'))).toBe(true);
  });
});
