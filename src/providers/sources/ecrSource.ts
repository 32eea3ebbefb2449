// ECR source: the image digest of RepositoryName:ImageTag comes from the local configuration
// (ecr.images), else a deterministic sha256 of "repository:tag". The output artifact is an
// imageDetail.json like the one AWS writes.
import { createHash } from 'node:crypto';
import type { Engine } from '../../engine/engine.js';
import type { ActionProvider, ActionStart } from '../../engine/provider.js';
import { zipFiles } from '../../util/zip.js';
import { beginSource, runSource, SourceError, sourceOverride, writeSourceArtifact } from './common.js';

export const DEFAULT_IMAGE_TAG = 'latest';

/** The digest configured for repository:tag (own entries only: 'constructor' is no repository). */
function configuredDigest(engine: Engine, repository: string, tag: string): string | undefined {
  const images = engine.localConfig.ecr.images;
  const tags = Object.hasOwn(images, repository) ? images[repository] : undefined;
  return tags && Object.hasOwn(tags, tag) ? String(tags[tag]) : undefined;
}

/** The digest of repository:tag: configured, else derived from the name (stable across runs). */
export function imageDigest(engine: Engine, repository: string, tag: string): string {
  const configured = configuredDigest(engine, repository, tag);
  if (configured) return configured.startsWith('sha256:') ? configured : `sha256:${configured}`;
  return `sha256:${createHash('sha256').update(`${repository}:${tag}`).digest('hex')}`;
}

/** AWS's timestamp style in imageDetail.json: "Mon Jan 21 20:04:00 UTC 2019". */
export function pushedAt(d: Date): string {
  // toUTCString: "Mon, 21 Jan 2019 20:04:00 GMT"
  const [weekday, day, month, year, time] = d.toUTCString().replace(',', '').split(' ');
  return `${weekday} ${month} ${day} ${time} UTC ${year}`;
}

export class EcrSourceProvider implements ActionProvider {
  constructor(private readonly engine: Engine) {}

  begin(start: ActionStart) {
    return beginSource(this.engine, start);
  }

  run(start: ActionStart): Promise<void> {
    return runSource(this.engine, start, async (log) => {
      const repository = start.resolvedConfiguration.RepositoryName ?? '';
      const tag = start.resolvedConfiguration.ImageTag || DEFAULT_IMAGE_TAG;
      if (!/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(repository) || repository.length > 256)
        throw new SourceError(`The repository name '${repository}' is not valid`);
      const override = sourceOverride(start, 'IMAGE_DIGEST');
      if (override !== undefined && !/^sha256:[0-9a-f]{64}$/.test(override))
        throw new SourceError(`The image digest '${override}' is not valid: expected sha256:<64 hex digits>`);
      const digest = override ?? imageDigest(this.engine, repository, tag);
      const origin =
        override !== undefined
          ? 'the image digest StartPipelineExecution asked for'
          : configuredDigest(this.engine, repository, tag)
            ? 'from the local configuration (ecr.images)'
            : 'derived from the name: no digest is configured under ecr.images';
      log.note(`Image ${repository}:${tag} is ${digest} (${origin})`);
      const account = start.execution.account;
      const region = start.actionExecution.input.region ?? start.execution.region;
      const uri = `${account}.dkr.ecr.${region}.amazonaws.com/${repository}@${digest}`;
      const detail = {
        ImageSizeInBytes: '0',
        ImageDigest: digest,
        Version: '1.0',
        ImagePushedAt: pushedAt(new Date(this.engine.clock.now())),
        RegistryId: account,
        RepositoryName: repository,
        ImageURI: uri,
        ImageTags: [tag],
      };
      const body = zipFiles([{ path: 'imageDetail.json', data: Buffer.from(JSON.stringify(detail, null, 2)) }]);
      await writeSourceArtifact(this.engine, start, log, body, `imageDetail.json for ${uri}`);
      return {
        status: 'Succeeded',
        externalExecutionId: digest,
        outputVariables: { ImageDigest: digest, ImageTag: tag, ImageURI: uri, RegistryId: account, RepositoryName: repository },
        revision: {
          revisionId: digest,
          revisionChangeIdentifier: digest,
          revisionSummary: `${repository}:${tag}`,
          revisionUrl: `https://${region}.console.aws.amazon.com/ecr/repositories/private/${account}/${repository}?region=${region}`,
        },
      };
    });
  }
}
