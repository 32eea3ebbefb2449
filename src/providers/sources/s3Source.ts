// S3 source: copies a version of S3Bucket/S3ObjectKey (the one StartPipelineExecution asked for with
// S3_OBJECT_VERSION_ID, else the latest) from the local S3-compatible store as the output artifact.
import type { Engine } from '../../engine/engine.js';
import type { ActionProvider, ActionStart } from '../../engine/provider.js';
import { beginSource, pinOrigin, runSource, SourceError, sourceOverride, writeSourceArtifact } from './common.js';
import { byteCount } from '../../logs/actionLogs.js';
import type { SourceObjectStore } from './s3Objects.js';

/** The object metadata AWS reads a revision summary from. */
const SUMMARY_METADATA = 'codepipeline-artifact-revision-summary';

/** What chose a pinned version, as the action's log says it. */
function uploadedBecause(start: ActionStart): string {
  switch (pinOrigin(start, 'S3_OBJECT_VERSION_ID')?.detectedBy) {
    case 'push':
      return 'the upload that triggered this execution';
    case 'catch-up':
      return 'uploaded while change detection was not running, caught up when it started';
    default:
      return "the revision StartPipelineExecution's sourceRevisions override asked for";
  }
}

export class S3SourceProvider implements ActionProvider {
  constructor(
    private readonly engine: Engine,
    private readonly objects: SourceObjectStore,
  ) {}

  begin(start: ActionStart) {
    return beginSource(this.engine, start);
  }

  run(start: ActionStart): Promise<void> {
    return runSource(this.engine, start, async (log) => {
      const bucket = start.resolvedConfiguration.S3Bucket ?? '';
      const key = start.resolvedConfiguration.S3ObjectKey ?? '';
      const version = sourceOverride(start, 'S3_OBJECT_VERSION_ID');
      log.note(
        version === undefined
          ? `Reading the latest version of s3://${bucket}/${key}`
          : `Reading version ${version} of s3://${bucket}/${key} (${uploadedBecause(start)})`,
      );
      const got = await this.objects.getObject(start.execution.account, bucket, key, version);
      if (!got.ok) {
        if (got.code === 'NoSuchBucket') throw new SourceError(`The specified bucket does not exist: Amazon S3 bucket '${bucket}'`);
        if (got.code === 'NoSuchVersion')
          throw new SourceError(`The specified version does not exist: version '${version}' of object '${key}' in Amazon S3 bucket '${bucket}'`);
        throw new SourceError(`The specified key does not exist: object '${key}' in Amazon S3 bucket '${bucket}'`);
      }
      const { object } = got;
      log.note(`Read version ${object.versionId} of s3://${bucket}/${key}: ${byteCount(object.body.length)}, ETag ${object.etag}`);
      await writeSourceArtifact(this.engine, start, log, object.body, 'the object as is', { bucket, key, versionId: object.versionId });
      const region = start.actionExecution.input.region ?? start.execution.region;
      const url = `https://${region}.console.aws.amazon.com/s3/object/${encodeURIComponent(bucket)}?prefix=${encodeURIComponent(key)}&versionId=${encodeURIComponent(object.versionId)}`;
      const summary = object.metadata?.[SUMMARY_METADATA];
      return {
        status: 'Succeeded',
        ...(summary && { summary }),
        externalExecutionId: object.versionId,
        outputVariables: { ETag: object.etag, VersionId: object.versionId },
        revision: {
          revisionId: object.versionId,
          revisionChangeIdentifier: object.versionId,
          ...(summary && { revisionSummary: summary }),
          revisionUrl: url,
        },
      };
    });
  }
}
