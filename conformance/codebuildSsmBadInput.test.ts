// Bad input for the CodeBuild, SSM and Secrets Manager APIs, generated from their models: every operation with an empty
// body, and every top-level member of the implemented operations given each JSON kind in turn. None
// may answer 500; the implemented ones answer 200 or a 400 with an error of their service.
import { describe, expect, it } from 'vitest';
import { serviceModel as codeBuildModel } from '../src/services/codebuild/model/service.js';
import { serviceModel as ssmModel } from '../src/services/ssm/model/service.js';
import { serviceModel as secretsManagerModel } from '../src/services/secretsmanager/model/service.js';
import { rawCall, useEmulator } from './harness.js';

const t = useEmulator();

const IMPLEMENTED: Record<string, string[]> = {
  CodeBuild_20161006: ['CreateProject', 'UpdateProject', 'DeleteProject', 'BatchGetProjects', 'ListProjects', 'StartBuild', 'StopBuild', 'BatchGetBuilds', 'ListBuilds', 'ListBuildsForProject'],
  AmazonSSM: ['PutParameter', 'GetParameter', 'GetParameters', 'GetParametersByPath', 'DeleteParameter', 'DeleteParameters', 'DescribeParameters', 'LabelParameterVersion', 'UnlabelParameterVersion', 'GetParameterHistory'],
  secretsmanager: ['CreateSecret', 'GetSecretValue', 'PutSecretValue', 'UpdateSecret', 'DescribeSecret', 'ListSecrets', 'DeleteSecret', 'RestoreSecret', 'GetRandomPassword', 'ListSecretVersionIds'],
};
const KINDS: unknown[] = [{}, [], 7, -1, 'x', '', true, null, { nested: { deeper: [] } }, ['a', 1, null], 'arn:aws:codebuild:us-east-1:123456789012:project/x', '/a:1', 1e300];

for (const [prefix, model] of [
  ['CodeBuild_20161006', codeBuildModel],
  ['AmazonSSM', ssmModel],
  ['secretsmanager', secretsManagerModel],
] as const) {
  describe(`${prefix}: bad input never answers 500`, () => {
    it('every operation of the model, with an empty body', async () => {
      for (const op of Object.keys(model.operations)) {
        const r = await rawCall(t.emu.endpoint, `${prefix}.${op}`, '{}');
        const implemented = IMPLEMENTED[prefix].includes(op);
        expect([op, implemented ? [200, 400].includes(r.status) : [400, 501].includes(r.status)]).toEqual([op, true]);
      }
    });

    for (const op of IMPLEMENTED[prefix])
      it(`${op}: each top-level member given each JSON kind`, async () => {
        const input = model.shapes[model.operations[op].input!.shape];
        for (const member of Object.keys(input.members ?? {}))
          for (const value of KINDS) {
            const r = await rawCall(t.emu.endpoint, `${prefix}.${op}`, JSON.stringify({ [member]: value }));
            const where = `${op} ${member}=${JSON.stringify(value)} -> ${r.status} ${r.text.slice(0, 200)}`;
            expect([200, 400].includes(r.status), where).toBe(true);
            if (r.status === 400) expect(typeof r.json?.__type, where).toBe('string');
          }
        const health = await fetch(`${t.emu.endpoint}/_health`);
        expect(health.status).toBe(200);
      });
  });
}
