// Pipeline fixtures for tests, loaded from fixtures/pipelines and deep-copied per use.
import fs from 'node:fs';
import path from 'node:path';
import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';

const DIR = path.join(import.meta.dirname, '..', 'fixtures', 'pipelines');

export function fixturePipeline(file: string, name?: string): PipelineDeclaration {
  const decl = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')).pipeline as PipelineDeclaration;
  return name ? { ...decl, name } : decl;
}

export const samplePipeline = (name = 'sample') => fixturePipeline('s3-build-approve-deploy.json', name);
