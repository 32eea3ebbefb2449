// Dynamic references resolved from the local parameter and secrets stores.
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../store/index.js';
import { DynamicReferenceError, hasDynamicReference, resolveDynamicReferences } from './dynamicReferences.js';

const scope = { account: '123456789012', region: 'us-east-1' };
const store = Store.open({ inMemory: true, dataDir: '.' });
afterAll(() => store.close());
const base = { modified: 1, tier: 'Standard', dataType: 'text' };
store.parameters.put(scope, { ...base, name: '/app/url', type: 'String', value: 'v1' });
store.parameters.put(scope, { ...base, name: '/app/url', type: 'String', value: 'v2' });
store.parameters.put(scope, { ...base, name: 'plain', type: 'String', value: 'p' });
store.parameters.put(scope, { ...base, name: '/app/key', type: 'SecureString', value: 'k' });
const secret = store.secrets.create(scope, 'app/db', '{"user":"admin","pw":"one"}', 1);
store.secrets.putValue(scope, 'app/db', '{"user":"admin","pw":"two"}', 2);
const resolve = (text: string) => resolveDynamicReferences(store, scope, text);

describe('resolveDynamicReferences', () => {
  it('replaces ssm, ssm-secure and secretsmanager references, with versions, keys and stages', () => {
    expect(resolve('url={{resolve:ssm:/app/url}} first={{resolve:ssm:/app/url:1}} {{resolve:ssm:plain}}')).toBe('url=v2 first=v1 p');
    expect(resolve(`{{resolve:ssm:arn:aws:ssm:us-east-1:123456789012:parameter/app/url}}|{{resolve:ssm:arn:aws:ssm:us-east-1:123456789012:parameter/plain}}`)).toBe('v2|p');
    expect(resolve('{{resolve:ssm-secure:/app/key}}')).toBe('k');
    expect(resolve('{{resolve:secretsmanager:app/db:SecretString:pw}}')).toBe('two');
    expect(resolve('{{resolve:secretsmanager:app/db:SecretString:pw:AWSPREVIOUS}}')).toBe('one');
    expect(resolve(`{{resolve:secretsmanager:${secret.arn}:SecretString:user::}}`)).toBe('admin');
    expect(resolve('{{resolve:secretsmanager:app/db}}')).toBe('{"user":"admin","pw":"two"}');
    expect([hasDynamicReference('{{resolve:ssm:x}}'), hasDynamicReference('{{other}}')]).toEqual([true, false]);
  });

  it('fails with CloudFormation’s wording for what resolves to nothing', () => {
    expect(() => resolve('{{resolve:ssm:/none}}')).toThrow(new DynamicReferenceError('Unable to fetch parameters [/none] from parameter store for this account.'));
    expect(() => resolve('{{resolve:ssm:/app/key}}')).toThrow(DynamicReferenceError);
    expect(() => resolve('{{resolve:secretsmanager:none}}')).toThrow(DynamicReferenceError);
    expect(() => resolve('{{resolve:secretsmanager:app/db:SecretString:missing}}')).toThrow("has no JSON key 'missing'");
  });
});
