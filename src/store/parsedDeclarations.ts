// Execution declarations, parsed once per text. The engine reads a pipeline's active executions on
// every pass of an advance and the API reads one on every GetPipelineExecution, and the executions of
// a pipeline mostly hold the same declaration text: parsing it each time was most of a read's cost.
// Objects are shared between readers, so they are frozen (deep): a change through one reader would
// show in every other, and a frozen object refuses it loudly instead.
import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';

/** Distinct texts kept (the least recently used goes first). */
const MAX_TEXTS = 64;
const byText = new Map<string, PipelineDeclaration>();

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

export function parsedDeclaration(text: string): PipelineDeclaration {
  let decl = byText.get(text);
  if (decl) {
    byText.delete(text);
  } else {
    decl = deepFreeze(JSON.parse(text) as PipelineDeclaration);
    if (byText.size >= MAX_TEXTS) byText.delete(byText.keys().next().value!);
  }
  byText.set(text, decl);
  return decl;
}

/** Pipelines whose versions are kept per database, and versions kept per pipeline (the first kept goes first). */
const MAX_PIPELINES = 256;
const MAX_VERSIONS = 8;

/**
 * A database's pipeline versions, parsed, by (account, region, pipeline, version): every execution
 * row read names its version, and asking SQLite for the text again was 19 statements per 5-stage
 * execution. A version row never changes while it exists; it is written by CreatePipeline and
 * UpdatePipeline and deleted by DeletePipeline (PipelineStore, which forgets the pipeline here each
 * time) and replaced wholesale by a reset or restore (Store.replacing clears it all). Forgetting on
 * insert also covers a version read inside a transaction that then rolled back: the next row of that
 * number is a new insert. Kept per database, not per process: two stores may hold the same names.
 */
export class VersionDeclarations {
  private readonly byPipeline = new Map<string, Map<number, PipelineDeclaration>>();

  get(account: string, region: string, pipeline: string, version: number, text: () => string): PipelineDeclaration {
    const key = `${account}\0${region}\0${pipeline}`;
    let versions = this.byPipeline.get(key);
    let decl = versions?.get(version);
    if (decl) return decl;
    decl = parsedDeclaration(text());
    if (!versions) {
      if (this.byPipeline.size >= MAX_PIPELINES) this.byPipeline.delete(this.byPipeline.keys().next().value!);
      versions = new Map();
      this.byPipeline.set(key, versions);
    }
    if (versions.size >= MAX_VERSIONS) versions.delete(versions.keys().next().value!);
    versions.set(version, decl);
    return decl;
  }

  /** The pipeline's versions were written or deleted. */
  forget(account: string, region: string, pipeline: string) {
    this.byPipeline.delete(`${account}\0${region}\0${pipeline}`);
  }

  /** Every row may have changed (reset, restore). */
  clear() {
    this.byPipeline.clear();
  }
}

const byDb = new WeakMap<object, VersionDeclarations>();

/** The version memo of this database connection (shared by the stores that read and write versions). */
export function versionDeclarations(db: object): VersionDeclarations {
  let v = byDb.get(db);
  if (!v) byDb.set(db, (v = new VersionDeclarations()));
  return v;
}
