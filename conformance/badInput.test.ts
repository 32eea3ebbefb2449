// Bad input for every operation of the service model, generated from the model itself
// (conformance/scripts/badInputs.ts): each must get a 400 with the right error, never a 500,
// and the server must keep answering. Plus a few exact messages of the validator.
import { describe, expect, it } from 'vitest';
import { OPERATION_NAMES, serviceModel, validateInput } from '../src/services/codepipeline/model/service.js';
import { rawCall, useEmulator } from './harness.js';
import { samplePipeline } from './fixtures.js';
import { badInputs, baseInput } from './scripts/badInputs.js';

const t = useEmulator();

const target = (op: string) => `CodePipeline_20150709.${op}`;
const modelledErrors = (op: string) => (serviceModel.operations[op].errors ?? []).map((e) => e.shape);

async function healthy() {
  const res = await fetch(`${t.emu.endpoint}/_health`);
  expect(res.status).toBe(200);
  expect((await res.json()).status).toBe('ok');
}

describe('bad input, generated from the service model', () => {
  it('covers all 44 operations', () => {
    expect(OPERATION_NAMES).toHaveLength(44);
  });

  for (const op of OPERATION_NAMES) {
    it(`${op}: every bad input gets 400 with the right error`, async () => {
      // The generator's base input must itself be valid, or the expected error counts would be wrong.
      expect(() => validateInput(op, baseInput(op))).not.toThrow();
      const cases = badInputs(op);
      expect(cases.length).toBeGreaterThanOrEqual(4);
      for (const c of cases) {
        const r = await rawCall(t.emu.endpoint, target(op), c.body);
        const where = `${op}: ${c.label} -> ${r.status} ${r.text.slice(0, 300)}`;
        expect(r.status, where).toBe(400);
        expect(r.json?.__type, where).toBe(c.expect.type);
        expect(r.headers.get('x-amzn-errortype'), where).toBe(c.expect.type);
        expect(typeof r.json.message, where).toBe('string');
        if (c.expect.type === 'ValidationException') {
          const n = c.expect.fragments.length;
          expect(r.json.message.startsWith(`${n} validation error${n === 1 ? '' : 's'} detected: `), where).toBe(true);
          for (const f of c.expect.fragments) expect(r.json.message, where).toContain(f);
        }
      }
      await healthy();
    });

    it(`${op}: the minimal valid input passes validation and never gets a 500`, async () => {
      const r = await rawCall(t.emu.endpoint, target(op), JSON.stringify(baseInput(op)));
      const where = `${op} -> ${r.status} ${r.text.slice(0, 300)}`;
      if (r.status === 200) return;
      if (r.status === 501) {
        expect(r.json.__type, where).toBe('NotImplementedException');
        return;
      }
      expect(r.status, where).toBe(400);
      // A handler may reject the made-up values, but only with an error the operation models.
      expect([...modelledErrors(op), 'ValidationException'], where).toContain(r.json.__type);
      if (r.json.__type === 'ValidationException') expect(r.json.message, where).not.toMatch(/^\d+ validation errors? detected/);
      await healthy();
    });
  }
});

describe('exact validator messages', () => {
  const create = (pipeline: unknown, extra: object = {}) => rawCall(t.emu.endpoint, target('CreatePipeline'), JSON.stringify({ pipeline, ...extra }));

  it('one pattern error at pipeline.name', async () => {
    const r = await create(samplePipeline('x'), {});
    expect(r.status).toBe(200);
    const bad = await create(samplePipeline('bad name!'));
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value 'bad name!' at 'pipeline.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+",
    });
  });

  it('several errors at nested list paths, joined with "; "', async () => {
    const p = samplePipeline('nested');
    p.stages![0].name = 'bad stage!';
    p.stages![1].actions![0].name = 'a'.repeat(101);
    p.stages![1].actions![0].runOrder = 1000;
    const r = await create(p);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      __type: 'ValidationException',
      message:
        '3 validation errors detected: ' +
        "Value 'bad stage!' at 'pipeline.stages.1.member.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+; " +
        `Value '${'a'.repeat(101)}' at 'pipeline.stages.2.member.actions.1.member.name' failed to satisfy constraint: Member must have length less than or equal to 100; ` +
        "Value '1000' at 'pipeline.stages.2.member.actions.1.member.runOrder' failed to satisfy constraint: Member must have value less than or equal to 999",
    });
  });

  it('enum and missing required members inside nested structures', async () => {
    const p = samplePipeline('enum');
    (p.stages![0].actions![0].actionTypeId as { category: string }).category = 'Cooking';
    delete (p.artifactStore as { location?: string }).location;
    const r = await create(p);
    expect(r.json).toEqual({
      __type: 'ValidationException',
      message:
        '2 validation errors detected: ' +
        "Value null at 'pipeline.artifactStore.location' failed to satisfy constraint: Member must not be null; " +
        "Value 'Cooking' at 'pipeline.stages.1.member.actions.1.member.actionTypeId.category' failed to satisfy constraint: " +
        'Member must satisfy enum value set: [Source, Build, Deploy, Test, Invoke, Approval, Compute]',
    });
  });

  it('null as a list member or a map value is "Member must not be null", at any depth', async () => {
    const p = samplePipeline('nulls') as unknown as { stages: unknown[] };
    const r = await create({ ...p, stages: [null, ...p.stages.slice(1)] });
    expect(r.json).toEqual({
      __type: 'ValidationException',
      message: "1 validation error detected: Value null at 'pipeline.stages.1.member' failed to satisfy constraint: Member must not be null",
    });
    const q = samplePipeline('nulls');
    (q.stages![0].actions![0] as { outputArtifacts: unknown[] }).outputArtifacts = [null];
    (q.stages![1].actions![0] as { configuration: Record<string, unknown> }).configuration = { ProjectName: null };
    const nested = await create(q);
    expect(nested.json).toEqual({
      __type: 'ValidationException',
      message:
        '2 validation errors detected: ' +
        "Value null at 'pipeline.stages.1.member.actions.1.member.outputArtifacts.1.member' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'pipeline.stages.2.member.actions.1.member.configuration.ProjectName.value' failed to satisfy constraint: Member must not be null",
    });
    const start = await rawCall(t.emu.endpoint, target('StartPipelineExecution'), JSON.stringify({ name: 'nulls', variables: [null] }));
    expect(start.json).toEqual({
      __type: 'ValidationException',
      message: "1 validation error detected: Value null at 'variables.1.member' failed to satisfy constraint: Member must not be null",
    });
  });

  it('a nested wrong JSON type is a SerializationException, even beside constraint errors', async () => {
    const p = samplePipeline('bad name!') as unknown as Record<string, unknown>;
    (p.stages as Array<Record<string, unknown>>)[0].actions = 'not a list';
    const r = await create(p);
    expect(r.json).toEqual({ __type: 'SerializationException', message: 'STRING_VALUE can not be converted to a List' });
  });

  it('tags: a key too long is a ValidationException; too many tags are TooManyTagsException', async () => {
    const r = await create(samplePipeline('tags'), { tags: [{ key: 'k'.repeat(129), value: 'v' }] });
    expect(r.json).toEqual({
      __type: 'ValidationException',
      message: `1 validation error detected: Value '${'k'.repeat(129)}' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`,
    });
    // TagList has no length limit in the model: the 50-tag limit is the operation's own error.
    const many = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    const m = await create(samplePipeline('tags'), { tags: many });
    expect(m.status).toBe(400);
    expect(m.json.__type).toBe('TooManyTagsException');
  });
});
