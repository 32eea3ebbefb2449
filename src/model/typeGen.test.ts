// The generated type tables are committed: each must be what the generator makes of its model now.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateFor, generateTypes, SERVICES } from './typeGen.js';
import type { ServiceModel } from './serviceModel.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('generated model types', () => {
  for (const spec of SERVICES)
    it(`${spec.out} is up to date with ${spec.model} (else run: npx tsx src/model/typeGen.ts)`, () => {
      expect(readFileSync(root + spec.out, 'utf8')).toBe(generateFor(spec));
    });

  it('names a query service its errors by their error codes, a JSON service by their shapes', () => {
    const model = (protocol: string): ServiceModel => ({
      metadata: { apiVersion: '2011-06-15', protocol, endpointPrefix: 'x' },
      operations: { Go: { name: 'Go', input: { shape: 'GoRequest' }, errors: [{ shape: 'TooBigException' }] } },
      shapes: {
        GoRequest: { type: 'structure', required: ['Size'], members: { Size: { shape: 'Size' }, 'weird-name': { shape: 'Size' } } },
        Size: { type: 'integer' },
        TooBigException: { type: 'structure', members: {}, exception: true, error: { code: 'TooBig', httpStatusCode: 400 } },
      },
    });
    const query = generateTypes(model('query'), 'x.json');
    expect(query).toContain("Go: { input: 'GoRequest'; output: never; errors: 'TooBig' };");
    expect(query).toContain("errors: 'TooBig';");
    expect(query).toContain("GoRequest: { type: 'structure'; required: 'Size'; members: { Size: 'Size'; 'weird-name': 'Size' } };");
    expect(query).not.toContain('import');
    expect(generateTypes(model('json'), 'x.json')).toContain("errors: 'TooBigException' };");
  });
});
