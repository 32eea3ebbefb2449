// A reset or restore while builds run: running StartBuild builds are stopped and leave nothing in the
// new state; a restored snapshot's builds that were running end as FAULT (nothing runs them).
import { describe, expect, it } from 'vitest';
import { BatchGetBuildsCommand, CodeBuildClient, CreateProjectCommand, ListBuildsCommand, StartBuildCommand } from '@aws-sdk/client-codebuild';
import { buildEnded } from '../src/builds/buildRecord.js';
import { ACCOUNT, useEmulator } from './harness.js';
import { until } from './engineKit.js';

const t = useEmulator();
const cb = () => new CodeBuildClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'x' }, maxAttempts: 1 });

describe('builds across a reset and a restore', () => {
  it('a reset stops a running build and nothing of it comes back; a restored running build is FAULT', async () => {
    await cb().send(
      new CreateProjectCommand({
        name: 'long-project',
        source: { type: 'NO_SOURCE', buildspec: 'version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 60\n' },
        artifacts: { type: 'NO_ARTIFACTS' },
        environment: { type: 'LINUX_CONTAINER', image: 'i', computeType: 'BUILD_GENERAL1_SMALL' },
        serviceRole: 'role',
      }),
    );
    const { build } = await cb().send(new StartBuildCommand({ projectName: 'long-project' }));
    await until(() => cb().send(new BatchGetBuildsCommand({ ids: [build!.id!] })), (o) => o.builds?.[0]?.currentPhase === 'BUILD', 20_000);
    const snapshot = t.emu.snapshot();
    const ended = buildEnded(build!.id!, 20_000);
    t.emu.reset();
    await ended;
    expect((await cb().send(new ListBuildsCommand({}))).ids).toEqual([]);
    t.emu.restore(snapshot);
    const { builds } = await cb().send(new BatchGetBuildsCommand({ ids: [build!.id!] }));
    expect([builds?.[0].buildStatus, builds?.[0].buildComplete]).toEqual(['FAULT', true]);
  });
});
