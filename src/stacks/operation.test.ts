// The stack engine with fake provisioners: dependency order with real ids and attributes, events,
// create rollback, update in place / replacement / removal and its rollback, delete (reverse order,
// Retain, DELETE_FAILED), and recovery of an operation a crash interrupted.
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../store/index.js';
import { STACK_KIND, type StackDocument, type StackTemplate } from './documents.js';
import { StackFailure, StackOperation, recoverStacks } from './operation.js';
import { ProvisionError, ProvisionerRegistry, ReplacementRequired, type ResourceProvisioner } from './provisioners.js';
import { parseTemplate, resolveParameters } from './template.js';

const scope = { account: '123456789012', region: 'us-east-1' };
let store: Store;
afterEach(() => store?.close());

/** A fake resource type keeping its "real" resources in a map; fails when a property says so. */
function fakeType(calls: string[], live: Map<string, Record<string, unknown>>): ResourceProvisioner {
  let n = 0;
  return {
    async create(ctx, props) {
      calls.push(`create ${ctx.logicalId} ${JSON.stringify(props)}`);
      if (props.Fail) throw new ProvisionError(`${ctx.logicalId} refused`);
      const id = `real-${ctx.logicalId}-${++n}`;
      live.set(id, props);
      return { physicalId: id, attributes: { Arn: `arn:fake:${id}`, Name: props.Name ?? id } };
    },
    async update(ctx, id, props, previous) {
      calls.push(`update ${ctx.logicalId} ${JSON.stringify(props)} (was ${JSON.stringify(previous)})`);
      if (props.Fail) throw new ProvisionError(`${ctx.logicalId} refused the update`);
      if (props.Name !== previous.Name) throw new ReplacementRequired();
      live.set(id, props);
      return { physicalId: id, attributes: { Arn: `arn:fake:${id}`, Name: props.Name ?? id } };
    },
    async delete(ctx, id) {
      calls.push(`delete ${ctx.logicalId} ${id}`);
      if (live.get(id)?.Sticky) throw new ProvisionError('The bucket you tried to delete is not empty');
      live.delete(id);
    },
  };
}

function setup() {
  store = Store.open({ inMemory: true, dataDir: 'unused' });
  const calls: string[] = [];
  const live = new Map<string, Record<string, unknown>>();
  const provisioners = new ProvisionerRegistry();
  provisioners.register('Test::Fake::Thing', fakeType(calls, live));
  let t = Date.UTC(2026, 0, 1);
  const op = (simulateFailure = false) => new StackOperation(store, scope, 'demo', { now: t, clock: () => (t += 1000), simulateFailure, provisioners });
  return { calls, live, provisioners, op };
}

const doc = (body: string, given: Record<string, string> = {}): StackTemplate => {
  const template = parseTemplate(body);
  return { templateBody: body, template, parameters: resolveParameters(template, given), capabilities: [], tags: {} };
};

const statuses = (s: StackDocument) => s.events.map((e) => `${e.logicalResourceId} ${e.resourceStatus}`);

const TEMPLATE = `Parameters:
  Name: {Type: String, Default: one}
Resources:
  C:
    Type: Test::Fake::Thing
    Properties: {Name: !Sub '\${B.Name}-c', Source: !Ref A}
  A: {Type: Test::Fake::Thing, Properties: {Name: !Ref Name}}
  B: {Type: Test::Fake::Thing, DependsOn: A, Properties: {Name: b, Arn: !GetAtt A.Arn}}
  Sim: {Type: AWS::IAM::Role, Properties: {Uses: !GetAtt C.Arn}}
  Named: {Type: AWS::SQS::Queue, Properties: {QueueName: !Sub '\${A}-queue'}}
Outputs:
  CName: {Value: !GetAtt C.Name}
  SimArn: {Value: !GetAtt Sim.Arn}
`;

describe('create', () => {
  it('works in dependency order; references read real ids and attributes; a type without provisioner is simulated', async () => {
    const { calls, op } = setup();
    const o = op();
    const s = await o.apply(o.newStack(), doc(TEMPLATE), true);
    expect(calls).toEqual([
      'create A {"Name":"one"}',
      'create B {"Name":"b","Arn":"arn:fake:real-A-1"}',
      'create C {"Name":"b-c","Source":"real-A-1"}',
    ]);
    expect(s.status).toBe('CREATE_COMPLETE');
    expect(s.resources.map((r) => [r.logicalId, r.physicalId, r.status, r.simulated])).toEqual([
      ['A', 'real-A-1', 'CREATE_COMPLETE', false],
      ['B', 'real-B-2', 'CREATE_COMPLETE', false],
      ['C', 'real-C-3', 'CREATE_COMPLETE', false],
      ['Sim', expect.stringMatching(/^demo-Sim-[0-9A-F]{12}$/), 'CREATE_COMPLETE', true],
      // A simulated resource named after a real one takes the real name (a queue's id is its URL, as in AWS).
      ['Named', 'https://sqs.us-east-1.amazonaws.com/123456789012/real-A-1-queue', 'CREATE_COMPLETE', true],
    ]);
    expect(s.resources[3].properties).toEqual({ Uses: 'arn:fake:real-C-3' });
    expect(s.outputs).toEqual({ CName: 'b-c', SimArn: `arn:aws:iam::123456789012:role/${s.resources[3].physicalId}` });
    expect(statuses(s)).toEqual([
      'demo CREATE_IN_PROGRESS', 'A CREATE_IN_PROGRESS', 'A CREATE_COMPLETE', 'B CREATE_IN_PROGRESS', 'B CREATE_COMPLETE',
      'C CREATE_IN_PROGRESS', 'C CREATE_COMPLETE', 'Sim CREATE_IN_PROGRESS', 'Sim CREATE_COMPLETE', 'Named CREATE_IN_PROGRESS', 'Named CREATE_COMPLETE',
      'demo CREATE_COMPLETE',
    ]);
    expect(s.events.find((e) => e.logicalResourceId === 'Sim' && e.resourceStatus === 'CREATE_COMPLETE')!.resourceStatusReason).toMatch(/^Simulated/);
    // Saved as it went: the stored document is the returned one.
    expect(store.simulated.get<StackDocument>(scope, STACK_KIND, 'demo')!.document).toEqual(s);
  });

  it('a failing resource rolls the stack back: what was created is deleted, newest first', async () => {
    const { calls, live, op } = setup();
    const o = op();
    const body = 'Resources:\n  A: {Type: Test::Fake::Thing}\n  B: {Type: Test::Fake::Thing, Properties: {X: !Ref A}}\n  Bad: {Type: Test::Fake::Thing, DependsOn: B, Properties: {Fail: true}}\n';
    const failure = await o.apply(o.newStack(), doc(body), true).then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(StackFailure);
    expect((failure as Error).message).toBe('Stack demo failed: ROLLBACK_COMPLETE (Bad: Bad refused)');
    expect(calls.slice(3)).toEqual(['delete B real-B-2', 'delete A real-A-1']);
    expect(live.size).toBe(0);
    const s = o.load()!;
    expect(s.status).toBe('ROLLBACK_COMPLETE');
    expect(s.statusReason).toBe('The following resource(s) failed to create: [Bad]. Rollback requested by user.');
    expect(s.resources).toEqual([]);
    expect(statuses(s).slice(6)).toEqual(['Bad CREATE_FAILED', 'demo ROLLBACK_IN_PROGRESS', 'B DELETE_IN_PROGRESS', 'B DELETE_COMPLETE', 'A DELETE_IN_PROGRESS', 'A DELETE_COMPLETE', 'demo ROLLBACK_COMPLETE']);
    expect(s.events.find((e) => e.resourceStatus === 'CREATE_FAILED')!.resourceStatusReason).toBe('Bad refused');
  });

  it('with OnFailure DO_NOTHING the stack is CREATE_FAILED and keeps what was created; with DELETE it goes', async () => {
    const { calls, live, provisioners } = setup();
    const body = 'Resources:\n  A: {Type: Test::Fake::Thing}\n  Bad: {Type: Test::Fake::Thing, DependsOn: A, Properties: {Fail: true}}\n';
    const keep = new StackOperation(store, scope, 'demo', { now: 0, simulateFailure: false, provisioners, onFailure: 'DO_NOTHING' });
    await keep.apply(keep.newStack(), doc(body), true).catch(() => undefined);
    const kept = keep.load()!;
    expect([kept.status, kept.statusReason, kept.resources.map((r) => r.logicalId)]).toEqual(['CREATE_FAILED', 'The following resource(s) failed to create: [Bad].', ['A']]);
    expect([...live.keys()]).toEqual(['real-A-1']);
    calls.length = 0;
    await keep.delete(kept);
    const gone = new StackOperation(store, scope, 'other', { now: 0, simulateFailure: false, provisioners, onFailure: 'DELETE' });
    await gone.apply(gone.newStack(), doc(body), true).catch(() => undefined);
    expect(store.simulated.get<StackDocument>(scope, STACK_KIND, 'other')!.document.status).toBe('DELETE_COMPLETE');
    expect(live.size).toBe(0);
  });

  it('a template error fails before anything changes (validation), a cycle with its message', async () => {
    const { calls, op } = setup();
    const o = op();
    const e = await o.apply(o.newStack(), doc('Resources:\n  A: {Type: Test::Fake::Thing, DependsOn: B}\n  B: {Type: Test::Fake::Thing, Properties: {X: !Ref A}}\n'), true).then(() => { throw new Error('created'); }, (x: StackFailure) => x);
    expect([e.message, e.validation]).toEqual(['Circular dependency between resources: [A, B]', true]);
    expect(calls).toEqual([]);
    expect(o.load()).toBeUndefined();
  });
});

describe('update', () => {
  it('updates in place, replaces (new first, old deleted in the cleanup), creates added and deletes removed resources', async () => {
    const { calls, op } = setup();
    const body1 = 'Resources:\n  Keep: {Type: Test::Fake::Thing, Properties: {Name: k}}\n  Change: {Type: Test::Fake::Thing, Properties: {Name: c, V: 1}}\n  Rename: {Type: Test::Fake::Thing, Properties: {Name: r1}}\n  Gone: {Type: Test::Fake::Thing}\n';
    const body2 = 'Resources:\n  Keep: {Type: Test::Fake::Thing, Properties: {Name: k}}\n  Change: {Type: Test::Fake::Thing, Properties: {Name: c, V: 2}}\n  Rename: {Type: Test::Fake::Thing, Properties: {Name: r2}}\n  New: {Type: Test::Fake::Thing, Properties: {Of: !Ref Rename}}\n';
    const o = op();
    await o.apply(o.newStack(), doc(body1), true);
    calls.length = 0;
    const s = await op().apply(o.load()!, doc(body2), false);
    expect(calls).toEqual([
      'update Change {"Name":"c","V":2} (was {"Name":"c","V":1})',
      'update Rename {"Name":"r2"} (was {"Name":"r1"})',
      'create Rename {"Name":"r2"}',
      'create New {"Of":"real-Rename-5"}',
      'delete Gone real-Gone-4',
      'delete Rename real-Rename-3',
    ]);
    expect(s.status).toBe('UPDATE_COMPLETE');
    expect(s.resources.map((r) => `${r.logicalId} ${r.physicalId}`)).toEqual(['Keep real-Keep-1', 'Change real-Change-2', 'Rename real-Rename-5', 'New real-New-6']);
    expect(statuses(s).filter((x) => x.startsWith('demo'))).toEqual(['demo CREATE_IN_PROGRESS', 'demo CREATE_COMPLETE', 'demo UPDATE_IN_PROGRESS', 'demo UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'demo UPDATE_COMPLETE']);
    expect(statuses(s).some((x) => x.startsWith('Keep UPDATE'))).toBe(false);
  });

  it('a failure rolls back: updates reverted, new resources deleted, previous template and outputs restored', async () => {
    const { calls, live, op } = setup();
    const body1 = 'Resources:\n  A: {Type: Test::Fake::Thing, Properties: {Name: a, V: 1}}\n  R: {Type: Test::Fake::Thing, Properties: {Name: r1}}\nOutputs:\n  O: {Value: !Ref A}\n';
    const body2 = 'Resources:\n  A: {Type: Test::Fake::Thing, Properties: {Name: a, V: 2}}\n  R: {Type: Test::Fake::Thing, Properties: {Name: r2}}\n  N: {Type: Test::Fake::Thing, DependsOn: R}\n  Bad: {Type: Test::Fake::Thing, DependsOn: N, Properties: {Fail: true}}\n';
    const o = op();
    await o.apply(o.newStack(), doc(body1), true);
    calls.length = 0;
    const e = await op().apply(o.load()!, doc(body2), false).then(() => { throw new Error('updated'); }, (x: Error) => x);
    expect(e.message).toBe('Stack demo failed: UPDATE_ROLLBACK_COMPLETE (Bad: Bad refused)');
    expect(calls).toEqual([
      'update A {"Name":"a","V":2} (was {"Name":"a","V":1})',
      'update R {"Name":"r2"} (was {"Name":"r1"})',
      'create R {"Name":"r2"}',
      'create N {}',
      'create Bad {"Fail":true}',
      'delete N real-N-4',
      'update A {"Name":"a","V":1} (was {"Name":"a","V":2})',
      'delete R real-R-3',
    ]);
    const s = o.load()!;
    expect(s.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(s.templateBody).toBe(body1);
    expect(s.outputs).toEqual({ O: 'real-A-1' });
    expect(s.resources.map((r) => `${r.logicalId} ${r.physicalId} ${JSON.stringify(r.properties)}`)).toEqual(['A real-A-1 {"Name":"a","V":1}', 'R real-R-2 {"Name":"r1"}']);
    expect([...live.keys()].sort()).toEqual(['real-A-1', 'real-R-2']);
    expect(statuses(s).slice(-9)).toEqual([
      'demo UPDATE_ROLLBACK_IN_PROGRESS', 'N DELETE_IN_PROGRESS', 'N DELETE_COMPLETE', 'A UPDATE_IN_PROGRESS', 'A UPDATE_COMPLETE',
      'demo UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'R DELETE_IN_PROGRESS', 'R DELETE_COMPLETE', 'demo UPDATE_ROLLBACK_COMPLETE',
    ]);
  });
});

describe('delete', () => {
  it('deletes in reverse dependency order and keeps Retain resources', async () => {
    const { calls, live, op } = setup();
    const o = op();
    await o.apply(o.newStack(), doc('Resources:\n  B: {Type: Test::Fake::Thing, Properties: {X: !Ref A}}\n  A: {Type: Test::Fake::Thing}\n  Kept: {Type: Test::Fake::Thing, DeletionPolicy: Retain}\n'), true);
    calls.length = 0;
    await op().delete(o.load()!);
    expect(calls).toEqual(['delete B real-B-2', 'delete A real-A-1']);
    expect([...live.keys()]).toEqual(['real-Kept-3']);
    const s = store.simulated.get<StackDocument>(scope, STACK_KIND, 'demo')!.document;
    expect(s.status).toBe('DELETE_COMPLETE');
    expect(statuses(s).slice(-7)).toEqual(['demo DELETE_IN_PROGRESS', 'Kept DELETE_SKIPPED', 'B DELETE_IN_PROGRESS', 'B DELETE_COMPLETE', 'A DELETE_IN_PROGRESS', 'A DELETE_COMPLETE', 'demo DELETE_COMPLETE']);
  });

  it('RetainExceptOnCreate keeps a resource on delete but not on a create rollback; RetainResources keeps the named ones', async () => {
    const { live, op } = setup();
    const body = 'Resources:\n  K: {Type: Test::Fake::Thing, DeletionPolicy: RetainExceptOnCreate}\n  N: {Type: Test::Fake::Thing}\n';
    const o = op();
    await o.apply(o.newStack(), doc(`${body}  Bad: {Type: Test::Fake::Thing, DependsOn: N, Properties: {Fail: true}}\n`), true).catch(() => undefined);
    expect(live.size).toBe(0);
    await op().apply(o.load()!.status === 'ROLLBACK_COMPLETE' ? op().newStack() : o.load()!, doc(body), true);
    await op().delete(o.load()!, ['N']);
    expect([...live.keys()]).toEqual(['real-K-3', 'real-N-4']);
    expect(statuses(store.simulated.get<StackDocument>(scope, STACK_KIND, 'demo')!.document).slice(-3)).toEqual(['N DELETE_SKIPPED', 'K DELETE_SKIPPED', 'demo DELETE_COMPLETE']);
  });

  it('a resource that will not go fails the delete (DELETE_FAILED) and keeps what it depends on', async () => {
    const { calls, op } = setup();
    const o = op();
    await o.apply(o.newStack(), doc('Resources:\n  A: {Type: Test::Fake::Thing}\n  Full: {Type: Test::Fake::Thing, Properties: {Sticky: true, On: !Ref A}}\n  Other: {Type: Test::Fake::Thing}\n'), true);
    calls.length = 0;
    const e = await op().delete(o.load()!).catch((x: Error) => x);
    expect(e!.message).toBe('Stack demo failed: DELETE_FAILED (Full: The bucket you tried to delete is not empty)');
    expect(calls).toEqual(['delete Other real-Other-3', 'delete Full real-Full-2']);
    const s = o.load()!;
    expect([s.status, s.statusReason]).toEqual(['DELETE_FAILED', 'The following resource(s) failed to delete: [Full]. ']);
    expect(s.resources.map((r) => `${r.logicalId} ${r.status}`)).toEqual(['A CREATE_COMPLETE', 'Full DELETE_FAILED']);
  });
});

describe('recovery after a crash', () => {
  it('a create cut short rolls back; an update cut short rolls back to the previous stack', async () => {
    const { calls, live, op, provisioners } = setup();
    const o = op();
    await o.apply(o.newStack(), doc('Resources:\n  A: {Type: Test::Fake::Thing, Properties: {Name: a, V: 1}}\n'), true);
    // An update stopped after A's update: the document says UPDATE_IN_PROGRESS with the step recorded.
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const hanging = new ProvisionerRegistry();
    hanging.register('Test::Fake::Thing', { ...provisioners.get('Test::Fake::Thing')!, create: () => (stop(), new Promise(() => {})) });
    const running = new StackOperation(store, scope, 'demo', { now: 0, simulateFailure: false, provisioners: hanging });
    void running.apply(o.load()!, doc('Resources:\n  A: {Type: Test::Fake::Thing, Properties: {Name: a, V: 2}}\n  B: {Type: Test::Fake::Thing, DependsOn: A}\n'), false);
    await stopped;
    expect(o.load()!.status).toBe('UPDATE_IN_PROGRESS');
    calls.length = 0;
    expect(await recoverStacks(store, { provisioners, clock: () => 0 })).toEqual(['123456789012/us-east-1/demo: UPDATE_ROLLBACK_COMPLETE']);
    expect(calls).toEqual(['update A {"Name":"a","V":1} (was {"Name":"a","V":2})']);
    const s = o.load()!;
    expect(s.resources.map((r) => `${r.logicalId} ${r.physicalId}`)).toEqual(['A real-A-1']);
    expect(s.inProgress).toBeUndefined();
    expect([...live.values()]).toEqual([{ Name: 'a', V: 1 }]);
    expect(s.events.find((e) => e.resourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS')!.resourceStatusReason).toBe('The stack operation was interrupted by a restart of the emulator');
  });
});

describe('older documents', () => {
  it('resources stored before real resources (no status, no properties) are simulated: delete does not call provisioners', async () => {
    const { calls, op } = setup();
    const old = { ...op().newStack(), status: 'CREATE_COMPLETE', resources: [{ logicalId: 'A', type: 'Test::Fake::Thing', physicalId: 'demo-A-XYZ' }] };
    store.simulated.put(scope, STACK_KIND, 'demo', old, 0);
    await op().delete(op().load()!);
    expect(calls).toEqual([]);
    expect(store.simulated.get<StackDocument>(scope, STACK_KIND, 'demo')!.document.status).toBe('DELETE_COMPLETE');
  });
});

describe('exports between stacks', () => {
  it("Fn::ImportValue reads another stack's export, in a resource, an output and a change set; an unknown one fails the create", async () => {
    const { calls, provisioners } = setup();
    let t = Date.UTC(2026, 0, 1);
    const opOf = (name: string) => new StackOperation(store, scope, name, { now: t, clock: () => (t += 1000), simulateFailure: false, provisioners });
    const maker = opOf('maker');
    await maker.apply(maker.newStack(), doc('Resources:\n  A: {Type: Test::Fake::Thing}\nOutputs:\n  Out: {Value: shared-value, Export: {Name: the-export}}\n'), true);
    const user = opOf('user');
    const body = 'Resources:\n  B: {Type: Test::Fake::Thing, Properties: {Name: !ImportValue the-export}}\nOutputs:\n  Seen: {Value: !ImportValue the-export}\n';
    const made = await user.apply(user.newStack(), doc(body), true);
    expect(made.outputs).toEqual({ Seen: 'shared-value' });
    const { changeSet } = await opOf('planned').createChangeSet(undefined, 'cs', doc(body));
    expect(changeSet.changes.map((c) => c.logicalResourceId)).toEqual(['B']);
    const bad = opOf('bad');
    await expect(bad.apply(bad.newStack(), doc('Resources:\n  C: {Type: Test::Fake::Thing, Properties: {Name: !ImportValue missing-export}}\n'), true)).rejects.toThrow(/missing-export/);
    expect(calls.filter((c) => c.startsWith('create B'))).toEqual(['create B {"Name":"shared-value"}']);
  });
});

describe('commits', () => {
  it('an update in place commits three times (not five); UPDATE_IN_PROGRESS is saved before apply() returns its promise', async () => {
    const { op } = setup();
    const body = (tag: string) => `Resources:\n  A: {Type: Test::Fake::Thing, Properties: {Name: a, Tag: ${tag}}}\n`;
    const first = op();
    await first.apply(first.newStack(), doc(body('x')), true);
    let commits = 0;
    const tx = store.tx.bind(store);
    (store as { tx: unknown }).tx = <T>(fn: () => T): T => {
      if (!store.db.inTransaction) commits++;
      return tx(fn);
    };
    const o = op();
    const pending = o.apply(o.load()!, doc(body('y')), false);
    expect(store.simulated.peek<StackDocument>(scope, STACK_KIND, 'demo')!.status).toBe('UPDATE_IN_PROGRESS');
    expect(commits).toBe(1);
    const s = await pending;
    expect(commits).toBe(3);
    expect(statuses(s).slice(-5)).toEqual(['demo UPDATE_IN_PROGRESS', 'A UPDATE_IN_PROGRESS', 'A UPDATE_COMPLETE', 'demo UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'demo UPDATE_COMPLETE']);
    expect(store.simulated.get<StackDocument>(scope, STACK_KIND, 'demo')!.document).toEqual(s);
  });
});
