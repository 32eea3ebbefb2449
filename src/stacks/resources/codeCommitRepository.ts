// AWS::CodeCommit::Repository: a local git repository where the CodeCommit source action reads it
// (<dataDir>/git/<RepositoryName>, or the local configuration's repositories mapping). Code.S3 (a zip
// in the emulator's S3 store) becomes its first commit on Code.BranchName (default main). It accepts
// pushes to its checked-out branch (receive.denyCurrentBranch=updateInstead), and commits made in it
// directly start pipelines as any CodeCommit change does. A new RepositoryName renames the folder.
// Delete removes a repository the stack created under the data folder; a mapped one is left alone.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { git, looksLikeRepository } from '../../git/git.js';
import { codeCommitRepositoryPath, RepositoryNameError } from '../../git/repos.js';
import type { LocalConfig } from '../../localConfig.js';
import type { ObjectStore } from '../../services/s3/index.js';
import { readZipEntries } from '../../util/zip.js';
import { ProvisionError, type Provisioned, type ResourceProvisioner } from '../provisioners.js';

function provisioned(name: string, region: string, account: string, id: string): Provisioned {
  return {
    physicalId: name,
    ref: id,
    attributes: {
      Arn: `arn:aws:codecommit:${region}:${account}:${name}`,
      CloneUrlHttp: `https://git-codecommit.${region}.amazonaws.com/v1/repos/${name}`,
      CloneUrlSsh: `ssh://git-codecommit.${region}.amazonaws.com/v1/repos/${name}`,
      Name: name,
    },
  };
}

const IDENTITY = ['-c', 'user.name=AWS CloudFormation', '-c', 'user.email=cloudformation@localhost'];

export function codeCommitRepositoryProvisioner(localConfig: LocalConfig, objects: ObjectStore): ResourceProvisioner {
  const where = (name: string) => {
    try {
      return codeCommitRepositoryPath(localConfig, name);
    } catch (e) {
      if (e instanceof RepositoryNameError) throw new ProvisionError(`1 validation error detected: Value '${name}' at 'repositoryName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\.-]+`);
      throw e;
    }
  };
  const mapped = (name: string) => Object.hasOwn(localConfig.repositories, name);

  async function initialCommit(dir: string, code: Record<string, any>) {
    const s3 = code.S3 ?? {};
    const zip = await objects.getBuffer(String(s3.Bucket), String(s3.Key), s3.ObjectVersion === undefined ? undefined : String(s3.ObjectVersion));
    if (!zip) throw new ProvisionError(`Code.S3: s3://${s3.Bucket}/${s3.Key} does not exist`);
    const files = await readZipEntries(zip, { artifact: `s3://${s3.Bucket}/${s3.Key}` });
    for (const [file, data] of files) {
      const target = path.resolve(dir, file);
      if (!target.startsWith(dir + path.sep) || file.endsWith('/')) continue;
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, data);
    }
    await git(dir, ['add', '-A']);
    await git(dir, [...IDENTITY, 'commit', '-q', '--allow-empty', '-m', 'Initial commit by AWS CloudFormation']);
  }

  return {
    async create(ctx, props) {
      const name = String(props.RepositoryName);
      const dir = where(name);
      if (looksLikeRepository(dir) && !mapped(name)) throw new ProvisionError(`Repository named ${name} already exists`);
      const code = props.Code as Record<string, any> | undefined;
      const branch = String(code?.BranchName ?? 'main');
      if (!looksLikeRepository(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        await git(dir, ['init', '-q', '-b', branch]);
        await git(dir, ['config', 'receive.denyCurrentBranch', 'updateInstead']);
        if (code?.S3) {
          try {
            await initialCommit(dir, code);
          } catch (e) {
            fs.rmSync(dir, { recursive: true, force: true });
            throw e instanceof ProvisionError ? e : new ProvisionError(`Code.S3: ${(e as Error).message}`);
          }
        }
      }
      ctx.note(`the repository ${name} is the local git repository ${dir}`);
      return provisioned(name, ctx.scope.region, ctx.scope.account, randomUUID());
    },
    async update(ctx, name, props, previous) {
      const next = String(props.RepositoryName);
      if (next !== name) {
        const from = where(name);
        const to = where(next);
        if (looksLikeRepository(to)) throw new ProvisionError(`Repository named ${next} already exists`);
        if (!mapped(name) && !mapped(next)) {
          fs.mkdirSync(path.dirname(to), { recursive: true });
          fs.renameSync(from, to);
        }
      }
      void previous;
      const { ref: _ref, ...same } = provisioned(next, ctx.scope.region, ctx.scope.account, '');
      return same;
    },
    async delete(ctx, name) {
      if (mapped(name)) return;
      const dir = where(name);
      if (fs.existsSync(dir)) fs.rmSync(dir, { recursive: true, force: true });
      ctx.note(`deleted the repository ${name} (${dir})`);
    },
  };
}
