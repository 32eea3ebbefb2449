// Where pipeline artifacts live: objects in the pipeline's artifact store bucket, under AWS's key
// layout (first 20 characters of the pipeline name / first 10 of the artifact name / a random id).
import { randomBytes } from 'node:crypto';
import type { ArtifactStore, PipelineDeclaration } from '@aws-sdk/client-codepipeline';

export interface ArtifactLocation {
  bucket: string;
  key: string;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomId(length = 7): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** The artifact store for an action: the pipeline's single store, or the one of the action's region. */
export function artifactStoreFor(decl: PipelineDeclaration, region: string): ArtifactStore | undefined {
  return decl.artifactStore ?? decl.artifactStores?.[region];
}

export function newArtifactLocation(decl: PipelineDeclaration, region: string, artifactName: string): ArtifactLocation {
  const store = artifactStoreFor(decl, region);
  return {
    bucket: store?.location ?? `codepipeline-${region}-local`,
    key: `${decl.name!.slice(0, 20)}/${artifactName.slice(0, 10)}/${randomId()}`,
  };
}

/**
 * Artifact objects: the local S3-compatible store implements this, so providers read input
 * artifacts and write output artifacts (zip files) where a real job worker would find them.
 */
export interface ArtifactObjects {
  /** Writes an object, creating its bucket when missing; answers the new object version. */
  put(account: string, location: ArtifactLocation, body: Buffer): Promise<{ versionId: string; etag: string }>;
  /** Reads the latest version of an object (or the given version); undefined when it does not exist. */
  get(location: ArtifactLocation, versionId?: string): Promise<Buffer | undefined>;
  /**
   * Writes a copy of an object version of the store (a source object) at `location` without reading
   * or writing its bytes again, creating the bucket when missing; undefined when that version does
   * not exist. Optional: without it a provider reads the object and put()s it.
   */
  copy?(account: string, source: ArtifactLocation & { versionId: string }, location: ArtifactLocation): Promise<{ versionId: string; etag: string } | undefined>;
}
