// The server log at `info` tells a pipeline's progress as it happens: the real CLI entry runs an S3
// source, a manual approval (with the command that approves it) and a failing Commands action.
import { afterAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreatePipelineCommand, PutApprovalResultCommand } from '@aws-sdk/client-codepipeline';
import { zipFiles } from '../src/util/zip.js';
import { ACCOUNT, client } from './harness.js';
import { newestExecutionId, until } from './engineKit.js';
import { killEntry, startEntry, type Entry } from './scripts/entry.js';

let entry: Entry | undefined;
afterAll(() => killEntry(entry, 'SIGTERM'));

/** The log lines after the start-up banner, without their timestamps. */
const logLines = (e: Entry) =>
  e
    .stderr()
    .split('\n')
    .filter((l) => / INFO /.test(l))
    .map((l) => l.replace(/^\S+ INFO /, ''));

describe('progress in the server log', () => {
  it('execution, stage and action changes, the approval command and the failure reason', async () => {
    entry = await startEntry({ args: ['--port', '0', '--in-memory', '--log-level', 'info'] });
    const credentials = { accessKeyId: ACCOUNT, secretAccessKey: 'test' };
    const s3 = new S3Client({ endpoint: entry.endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    await s3.send(new CreateBucketCommand({ Bucket: 'progress-src' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'progress-artifacts' }));
    await s3.send(new PutObjectCommand({ Bucket: 'progress-src', Key: 'app.zip', Body: zipFiles([{ path: 'a.txt', data: Buffer.from('a') }]) }));
    s3.destroy();
    const cp = client(entry.endpoint);
    await cp.send(
      new CreatePipelineCommand({
        pipeline: {
          name: 'progress',
          pipelineType: 'V2',
          roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
          artifactStore: { type: 'S3', location: 'progress-artifacts' },
          stages: [
            {
              name: 'Source',
              actions: [
                {
                  name: 'Fetch',
                  actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
                  configuration: { S3Bucket: 'progress-src', S3ObjectKey: 'app.zip', PollForSourceChanges: 'false' },
                  outputArtifacts: [{ name: 'Src' }],
                },
              ],
            },
            { name: 'Gate', actions: [{ name: 'Review', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } }] },
            {
              name: 'Build',
              actions: [
                {
                  name: 'Run',
                  actionTypeId: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
                  commands: ['exit 3'],
                  inputArtifacts: [{ name: 'Src' }],
                },
              ],
            },
          ],
        },
      }),
    );
    const id = await newestExecutionId(cp, 'progress');
    const approve = await until(
      async () => logLines(entry!).find((l) => l.includes('is waiting; to approve:')),
      (l) => l !== undefined,
    );
    const token = approve!.match(/--token (\S+)/)![1];
    expect(approve).toBe(
      `pipeline progress execution ${id}: approval Gate/Review is waiting; to approve: aws codepipeline put-approval-result ` +
        `--region us-east-1 --pipeline-name progress --stage-name Gate --action-name Review --token ${token} --result summary=Approved,status=Approved`,
    );
    await cp.send(
      new PutApprovalResultCommand({ pipelineName: 'progress', stageName: 'Gate', actionName: 'Review', token, result: { status: 'Approved', summary: 'ok' } }),
    );
    const at = `pipeline progress execution ${id}:`;
    const lines = await until(async () => logLines(entry!), (l) => l.some((x) => x.startsWith(`${at} FAILED`)));
    const progress = lines.filter((l) => l.startsWith(at));
    expect(progress).toEqual([
      `${at} STARTED (trigger: CreatePipeline)`,
      `${at} stage Source STARTED`,
      `${at} action Source/Fetch (S3) STARTED`,
      `${at} action Source/Fetch (S3) SUCCEEDED`,
      `${at} stage Source SUCCEEDED`,
      `${at} stage Gate STARTED`,
      `${at} action Gate/Review (Manual) STARTED`,
      approve,
      `${at} action Gate/Review (Manual) SUCCEEDED`,
      `${at} stage Gate SUCCEEDED`,
      `${at} stage Build STARTED`,
      `${at} action Build/Run (Commands) STARTED`,
      `${at} action Build/Run (Commands) FAILED: Build terminated with state: FAILED. Phase: BUILD, Code: COMMAND_EXECUTION_ERROR, ` +
        'Message: Error while executing command: exit 3. Reason: exit status 3',
      `${at} stage Build FAILED`,
      `${at} FAILED`,
    ]);
    cp.destroy();
  });
});
