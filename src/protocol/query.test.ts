// The query protocol's two halves on a small model: flattened parameters read into the input shape
// (structures, lists of structures, maps, scalars by type) and an output shape written as AWS's XML.
import { describe, expect, it } from 'vitest';
import type { ServiceModel } from '../model/serviceModel.js';
import { readQueryInput, shapeXml } from './query.js';
import { AwsError } from './errors.js';

const model: ServiceModel = {
  metadata: { apiVersion: '2020-01-01', protocol: 'query', endpointPrefix: 'x' },
  operations: { Go: { name: 'Go', input: { shape: 'GoInput' }, output: { shape: 'GoOutput' } } },
  shapes: {
    GoInput: {
      type: 'structure',
      members: { Name: { shape: 'Str' }, Count: { shape: 'Int' }, Flag: { shape: 'Bool' }, At: { shape: 'Time' }, Tags: { shape: 'TagList' }, Labels: { shape: 'Labels' }, Inner: { shape: 'Inner' }, Words: { shape: 'Words' } },
    },
    GoOutput: { type: 'structure', members: { Name: { shape: 'Str' }, Flag: { shape: 'Bool' }, At: { shape: 'Time' }, Tags: { shape: 'TagList' }, Labels: { shape: 'Labels' }, Empty: { shape: 'Words' } } },
    Inner: { type: 'structure', members: { Depth: { shape: 'Int' } } },
    TagList: { type: 'list', member: { shape: 'Tag' } },
    Tag: { type: 'structure', members: { Key: { shape: 'Str' }, Value: { shape: 'Str' } } },
    Labels: { type: 'map', key: { shape: 'Str' }, value: { shape: 'Str' } },
    Words: { type: 'list', member: { shape: 'Str' } },
    Str: { type: 'string' },
    Int: { type: 'integer' },
    Bool: { type: 'boolean' },
    Time: { type: 'timestamp' },
  },
};

describe('reading a query request', () => {
  it('reads members, lists of structures (.member.N), maps (.entry.N.key/value), nested structures, typed scalars', () => {
    const params = new URLSearchParams(
      'Name=n&Count=3&Flag=TRUE&At=1700000000&Tags.member.1.Key=a&Tags.member.1.Value=1&Tags.member.2.Key=b&Labels.entry.1.key=x&Labels.entry.1.value=y&Labels.entry.2.key=z&Labels.entry.2.value=&Inner.Depth=7&Words=',
    );
    expect(readQueryInput(model, 'GoInput', params)).toEqual({
      Name: 'n',
      Count: 3,
      Flag: true,
      At: '2023-11-14T22:13:20.000Z',
      Tags: [{ Key: 'a', Value: '1' }, { Key: 'b' }],
      Labels: { x: 'y', z: '' },
      Inner: { Depth: 7 },
      Words: [],
    });
  });

  it('stops a list at its first missing index and leaves out what the request does not name', () => {
    expect(readQueryInput(model, 'GoInput', new URLSearchParams('Words.member.1=a&Words.member.3=c'))).toEqual({ Words: ['a'] });
  });

  it('a value not of its type is InvalidParameterValue naming the parameter', () => {
    for (const [q, expected] of [
      ['Count=x', 'Value (x) for parameter Count is invalid. Expected a number.'],
      ['Inner.Depth=1.5', 'Value (1.5) for parameter Inner.Depth is invalid. Expected a number.'],
      ['Flag=yes', 'Value (yes) for parameter Flag is invalid. Expected a boolean.'],
      ['At=someday', 'Value (someday) for parameter At is invalid. Expected a timestamp.'],
    ]) {
      let e: unknown;
      try {
        readQueryInput(model, 'GoInput', new URLSearchParams(q));
      } catch (x) {
        e = x;
      }
      expect(e).toBeInstanceOf(AwsError);
      expect([(e as AwsError).type, (e as AwsError).message]).toEqual(['InvalidParameterValue', expected]);
    }
  });
});

describe('writing a query answer', () => {
  it('lists as <member>, maps as <entry>, booleans lower case, timestamps ISO 8601, text escaped, absent members left out', () => {
    const xml = shapeXml(model, 'GoOutput', {
      Name: 'a<b>&"c"\u0001',
      Flag: false,
      At: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
      Tags: [{ Key: 'k', Value: 'v' }],
      Labels: { x: 'y' },
      Empty: [],
    });
    expect(xml).toBe(
      '<Name>a&lt;b&gt;&amp;&quot;c&quot;</Name><Flag>false</Flag><At>2026-01-02T03:04:05.000Z</At>' +
        '<Tags><member><Key>k</Key><Value>v</Value></member></Tags><Labels><entry><key>x</key><value>y</value></entry></Labels><Empty></Empty>',
    );
  });
});
