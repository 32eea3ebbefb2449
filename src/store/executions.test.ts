// An execution's row names its pipeline version instead of holding a copy of the declaration.
import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from './index.js';
import type { ExecutionRow } from './executions.js';

const scope = { account: '123456789012', region: 'us-east-1' };
let store: Store;
afterEach(() => store?.close());

const decl = (version: number, stage: string): PipelineDeclaration => ({
  name: 'p',
  version,
  roleArn: 'arn:aws:iam::123456789012:role/r',
  stages: [{ name: stage, actions: [{ name: 'A', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' }, configuration: { S3Bucket: 'b' } }] }],
});

const execution = (id: string, seq: number, d: PipelineDeclaration): ExecutionRow => ({
  id,
  ...scope,
  pipeline: 'p',
  seq,
  pipelineVersion: d.version!,
  declaration: d,
  status: 'InProgress',
  executionMode: 'SUPERSEDED',
  executionType: 'STANDARD',
  triggerType: 'StartPipelineExecution',
  variables: [],
  sourceRevisions: [],
  artifactRevisions: [],
  stageIndex: 0,
  phase: 'waiting',
  created: 1,
  updated: 1,
});

describe('executions by pipeline version', () => {
  it('stores no copy of the declaration, and reads back the declaration of its own version', () => {
    store = Store.open({ inMemory: true, dataDir: 'unused' });
    store.pipelines.create(scope, decl(1, 'One'), 1);
    store.executions.insert(execution('e1', 1, decl(1, 'One')));
    store.pipelines.update(scope, decl(2, 'Two'), 2);
    store.executions.insert(execution('e2', 2, decl(2, 'Two')));
    expect(store.db.prepare('SELECT id, declaration FROM executions ORDER BY seq').all()).toEqual([
      { id: 'e1', declaration: '' },
      { id: 'e2', declaration: '' },
    ]);
    expect(store.executions.get('e1')!.declaration).toEqual(decl(1, 'One'));
    expect(store.executions.active(scope, 'p').map((e) => [e.id, e.pipelineVersion, e.declaration.stages![0].name])).toEqual([
      ['e1', 1, 'One'],
      ['e2', 2, 'Two'],
    ]);
    // A row written before keeps its own copy, and that copy is what it reads.
    store.db.prepare("UPDATE executions SET declaration = ? WHERE id = 'e1'").run(JSON.stringify(decl(1, 'Copied')));
    expect(store.executions.get('e1')!.declaration.stages![0].name).toBe('Copied');
  });
});

describe('pipeline versions read once', () => {
  it('reads a version once, and a pipeline deleted and created again under its name (version 1 again) is read anew', () => {
    store = Store.open({ inMemory: true, dataDir: 'unused' });
    store.pipelines.create(scope, decl(1, 'One'), 1);
    store.executions.insert(execution('e1', 1, decl(1, 'One')));
    const first = store.executions.get('e1')!.declaration;
    // Read from the memo: a change to the row behind the store's back does not show (versions never change).
    store.db.prepare("UPDATE pipeline_versions SET declaration = '{}' WHERE name = 'p'").run();
    expect(store.executions.get('e1')!.declaration).toBe(first);

    store.tx(() => {
      store.executions.deleteForPipeline(scope, 'p');
      store.pipelines.delete(scope, 'p');
    });
    store.pipelines.create(scope, decl(1, 'Again'), 2);
    store.executions.insert(execution('e2', 1, decl(1, 'Again')));
    expect(store.executions.get('e2')!.declaration.stages![0].name).toBe('Again');
  });

  it('forgets a version inserted by a transaction that rolled back, and everything on a reset or restore', () => {
    store = Store.open({ inMemory: true, dataDir: 'unused' });
    expect(() =>
      store.tx(() => {
        store.pipelines.create(scope, decl(1, 'RolledBack'), 1);
        store.executions.insert(execution('e1', 1, decl(1, 'RolledBack')));
        expect(store.executions.get('e1')!.declaration.stages![0].name).toBe('RolledBack');
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    store.pipelines.create(scope, decl(1, 'Kept'), 2);
    store.executions.insert(execution('e1', 1, decl(1, 'Kept')));
    expect(store.executions.get('e1')!.declaration.stages![0].name).toBe('Kept');
    // A restore writes the rows itself, then tells the store.
    store.db.prepare('UPDATE pipeline_versions SET declaration = ? WHERE name = ?').run(JSON.stringify(decl(1, 'Restored')), 'p');
    store.replacing('before');
    store.replacing('after');
    expect(store.executions.get('e1')!.declaration.stages![0].name).toBe('Restored');
  });
});

describe('savepoints', () => {
  it('a nested transaction keeps its page copies in memory, not in a temporary file (temp_store = MEMORY)', () => {
    store = Store.open({ inMemory: true, dataDir: 'unused' });
    expect(store.db.pragma('temp_store', { simple: true })).toBe(2);
  });
});
