// A build's working folder: input artifacts extracted (the primary source into src/, the others
// into sources/<artifactName>/), and output artifacts zipped from files globs. No buildspec path
// (base-directory, globs) may reach outside the folder; symbolic links are not followed or archived.
import fs from 'node:fs';
import path from 'node:path';
import { lazyRequire } from '../../util/lazyRequire.js';
import type { Engine } from '../../engine/engine.js';
import type { ActionStart } from '../../engine/provider.js';
import { extractZip, zipFilesFromDisk } from '../../util/zip.js';
import { git, isCommitId, isRefName } from '../../git/git.js';
import { CLONE_REF_FILE, type CloneRef } from '../sources/gitSource.js';
import type { ArtifactSpec } from './buildspec.js';

// Only builds that upload artifacts need these: loaded then, out of start-up.
const tinyglobby = lazyRequire<typeof import('tinyglobby')>('tinyglobby');
const picomatch = lazyRequire<typeof import('picomatch')>('picomatch');

export class ArtifactPathError extends Error {}

export interface Workspace {
  root: string;
  srcDir: string;
  /** The input artifact extracted into srcDir. */
  primary?: string;
  /** CODEBUILD_SRC_DIR_<name> for each secondary input artifact. */
  secondaryDirs: Record<string, string>;
}

/** Where builds run: <dataDir>/builds on disk, a temporary folder in --in-memory mode. */
export function buildsRoot(engine: Engine, tmpRoot: () => string): string {
  return engine.store.location === ':memory:' ? tmpRoot() : path.join(engine.localConfig.dataDir, 'builds');
}

/** Extracts the inputs; `primary` is the input artifact that becomes CODEBUILD_SRC_DIR. */
export async function prepareWorkspace(engine: Engine, root: string, start: ActionStart, primary: string | undefined, signal?: AbortSignal): Promise<Workspace> {
  const srcDir = path.join(root, 'src');
  fs.mkdirSync(srcDir, { recursive: true });
  const secondaryDirs: Record<string, string> = {};
  for (const input of start.inputArtifacts) {
    const loc = input.s3location;
    const body = loc?.bucket && loc.key ? await engine.artifacts.get({ bucket: loc.bucket, key: loc.key }) : undefined;
    if (!body) throw new ArtifactPathError(`the input artifact ${input.name} could not be found in the artifact store`);
    // Artifact names are [A-Za-z0-9_-]+ (the service model), so they are safe folder names.
    const dir = input.name === primary ? srcDir : path.join(root, 'sources', input.name!);
    if (dir !== srcDir) secondaryDirs[input.name!] = dir;
    fs.mkdirSync(dir, { recursive: true });
    await extractZip(body, dir, { artifact: input.name!, limits: engine.unzipLimits, signal });
    await expandCloneRef(dir, input.name!, signal);
  }
  return { root, srcDir, primary, secondaryDirs };
}

/**
 * A CODEBUILD_CLONE_REF source artifact holds only a clone reference: like CodeBuild, clone the
 * repository it names (with its git metadata) and check out the commit.
 */
async function expandCloneRef(dir: string, artifactName: string, signal?: AbortSignal) {
  const refFile = path.join(dir, CLONE_REF_FILE);
  if (!fs.existsSync(refFile) || fs.readdirSync(dir).length !== 1) return;
  const ref = readCloneRef(fs.readFileSync(refFile, 'utf8'), artifactName);
  fs.rmSync(refFile);
  await git(dir, ['clone', '--quiet', '--no-checkout', '--', ref.cloneUrl, '.'], { signal });
  await git(dir, ['checkout', '--quiet', '-B', ref.branch, ref.commitId], { signal });
}

/**
 * A clone reference as the git source writes it: a local file:// repository, a branch name and a
 * commit id. Anything else (another transport, an option-looking branch or commit) never reaches git.
 */
function readCloneRef(text: string, artifactName: string): CloneRef {
  const bad = (why: string) => new ArtifactPathError(`the clone reference in the input artifact ${artifactName} is not valid: ${why}`);
  let ref: Partial<CloneRef>;
  try {
    ref = JSON.parse(text) as Partial<CloneRef>;
  } catch {
    throw bad('it is not JSON');
  }
  if (typeof ref !== 'object' || ref === null) throw bad('it is not a JSON object');
  const { cloneUrl, branch, commitId } = ref;
  if (typeof cloneUrl !== 'string' || !cloneUrl.startsWith('file:///')) throw bad(`cloneUrl '${String(cloneUrl)}' is not a file:// URL`);
  if (typeof commitId !== 'string' || !isCommitId(commitId)) throw bad(`commitId '${String(commitId)}' is not a commit id`);
  if (typeof branch !== 'string' || !isRefName(branch)) throw bad(`branch '${String(branch)}' is not a valid branch name`);
  return ref as CloneRef;
}

const inside = (root: string, p: string) => p === root || p.startsWith(root + path.sep);

/** The files an artifact spec selects, as zip entries (their name, and the file to read); throws when a path leaves the build folder. */
export async function collectArtifact(ws: Workspace, spec: ArtifactSpec): Promise<{ path: string; file: string; mode: number }[]> {
  const realRoot = fs.realpathSync(ws.root);
  const base = path.resolve(ws.srcDir, spec.baseDirectory ?? '.');
  if (!inside(path.resolve(ws.root), base)) throw new ArtifactPathError(`base-directory '${spec.baseDirectory}' is outside the build folder`);
  if (!fs.existsSync(base)) return [];
  const realBase = fs.realpathSync(base);
  if (!inside(realRoot, realBase)) throw new ArtifactPathError(`base-directory '${spec.baseDirectory}' is outside the build folder`);
  for (const p of [...spec.files, ...spec.excludePaths])
    if (path.posix.isAbsolute(p) || p.split(/[\\/]/).includes('..')) throw new ArtifactPathError(`artifact path '${p}' is outside the build folder`);
  const excluded = spec.excludePaths.length ? picomatch()(spec.excludePaths, { dot: true }) : () => false;
  const matches = await tinyglobby().glob(spec.files, { cwd: realBase, dot: true, onlyFiles: true, followSymbolicLinks: false, expandDirectories: true });
  const out: { path: string; file: string; mode: number }[] = [];
  for (const rel of matches.sort()) {
    if (excluded(rel)) continue;
    const abs = path.join(realBase, rel);
    const real = fs.realpathSync(abs);
    if (!inside(realRoot, real)) throw new ArtifactPathError(`artifact file '${rel}' links outside the build folder`);
    const stat = fs.statSync(real);
    if (!stat.isFile()) continue;
    out.push({ path: spec.discardPaths ? path.basename(rel) : rel, file: real, mode: stat.mode });
  }
  return out;
}

/** The output artifact's zip, read and compressed in a worker thread (outputs can be large). */
export const zipArtifact = zipFilesFromDisk;
