// The validator reads whichever service model it is given: one validator per service.
import { describe, expect, it } from 'vitest';
import { AwsError } from '../protocol/errors.js';
import type { ServiceModel } from './serviceModel.js';
import { validatorFor } from './validate.js';

const tiny: ServiceModel = {
  metadata: { apiVersion: '2020-01-01', protocol: 'json', endpointPrefix: 'tiny' },
  operations: { PutThing: { name: 'PutThing', input: { shape: 'PutThingRequest' } }, Ping: { name: 'Ping' } },
  shapes: {
    PutThingRequest: { type: 'structure', required: ['name'], members: { name: { shape: 'Name' }, size: { shape: 'Size' } } },
    Name: { type: 'string', min: 2, pattern: '[a-z]+' },
    Size: { type: 'integer', max: 10 },
    Label: { type: 'string', min: 2, max: 3 },
  },
};

describe('validatorFor(model)', () => {
  const v = validatorFor(tiny);

  it('validates against its own model: unknown members dropped, integers truncated', () => {
    expect(v.validateInput('PutThing', { name: 'ab', size: 3.7, other: 1 })).toEqual({ name: 'ab', size: 3 });
    expect(v.validateInput('Ping', { anything: 1 })).toEqual({});
  });

  it("answers its model's constraint failures in AWS's message format", () => {
    let caught: unknown;
    try {
      v.validateInput('PutThing', { name: 'A', size: 11 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AwsError);
    expect((caught as AwsError).type).toBe('ValidationException');
    expect((caught as AwsError).message).toBe(
      "3 validation errors detected: Value 'A' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 2; " +
        "Value 'A' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+; " +
        "Value '11' at 'size' failed to satisfy constraint: Member must have value less than or equal to 10",
    );
    expect(v.validateShape('Name', 'x', 'n')).toEqual(["Value 'x' at 'n' failed to satisfy constraint: Member must have length greater than or equal to 2"]);
  });
});

describe('patterns', () => {
  it('reads Unicode property classes (\\p{L}) as such, as AWS does', () => {
    const model: ServiceModel = {
      metadata: { apiVersion: '2020-01-01', protocol: 'json', endpointPrefix: 'tiny' },
      operations: {},
      shapes: { Tag: { type: 'string', pattern: '^([\\p{L}\\p{Z}\\p{N}_.:/=@+\\-]*)$' }, Account: { type: 'string', pattern: '(?i)all|[0-9]{12}' } },
    };
    const v = validatorFor(model);
    expect(v.validateShape('Tag', 'team é 1', 't')).toEqual([]);
    expect([v.validateShape('Account', 'ALL', 'a'), v.validateShape('Account', '123456789012', 'a'), v.validateShape('Account', 'x', 'a').length]).toEqual([[], [], 1]);
    expect(v.validateShape('Tag', 'a&b', 't')).toEqual(["Value 'a&b' at 't' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=@+\\-]*)$"]);
  });

  it("counts a string's length in code points, as AWS does (a character outside the BMP is one)", () => {
    const v = validatorFor(tiny);
    expect(v.validateShape('Label', '\u{1F600}\u{1F600}\u{1F600}', 'l')).toEqual([]);
    expect(v.validateShape('Label', 'ab\u{1F600}', 'l')).toEqual([]);
    expect(v.validateShape('Label', '\u{1F600}', 'l')).toEqual(["Value '\u{1F600}' at 'l' failed to satisfy constraint: Member must have length greater than or equal to 2"]);
    expect(v.validateShape('Label', 'abcd', 'l')).toEqual(["Value 'abcd' at 'l' failed to satisfy constraint: Member must have length less than or equal to 3"]);
  });
});
