// ParameterFilters (DescribeParameters, GetParametersByPath) and the older Filters: which stored
// parameters a request selects, with SSM's errors for keys and options it does not take.
import type { ParameterStringFilter, ParametersFilter } from '@aws-sdk/client-ssm';
import { DEFAULT_KEY_ID, type ParameterVersion } from '../../parameters/store.js';
import { ssmError } from './errors.js';

type Test = (p: ParameterVersion) => boolean;

const text = (test: (have: string, want: string) => boolean, values: string[], have: string | undefined) =>
  have !== undefined && values.some((v) => test(have, v));
const equals = (a: string, b: string) => a === b;
const beginsWith = (a: string, b: string) => a.startsWith(b);
const contains = (a: string, b: string) => a.includes(b);

/** Whether `name` is under `path`: one level below (OneLevel) or anywhere below (Recursive). */
export function underPath(name: string, path: string, recursive: boolean): boolean {
  const prefix = path.endsWith('/') ? path : `${path}/`;
  if (!name.startsWith(prefix) || name.length === prefix.length) return false;
  return recursive || !name.slice(prefix.length).includes('/');
}

function field(p: ParameterVersion, key: string): string | undefined {
  switch (key) {
    case 'Name':
      return p.name;
    case 'Type':
      return p.type;
    case 'KeyId':
      return p.type === 'SecureString' ? (p.keyId ?? DEFAULT_KEY_ID) : undefined;
    case 'Tier':
      return p.tier;
    case 'DataType':
      return p.dataType;
    default:
      return undefined;
  }
}

/** One ParameterFilters entry as a test; `allowed` is the keys the operation takes. */
function stringFilter(f: ParameterStringFilter, allowed: (key: string) => boolean): Test {
  const key = f.Key ?? '';
  if (!allowed(key)) throw ssmError('InvalidFilterKey', `The following filter key is not valid: ${key}.`);
  const values = f.Values ?? [];
  const option = f.Option;
  const badOption = () =>
    ssmError('InvalidFilterOption', `The following filter option is not valid: ${option}. Valid options include: [${key === 'Path' ? 'Recursive, OneLevel' : key === 'Name' ? 'Equals, BeginsWith, Contains' : 'Equals, BeginsWith'}].`);
  if (key === 'Path') {
    if (option !== undefined && option !== 'Recursive' && option !== 'OneLevel') throw badOption();
    if (!values.length) throw ssmError('InvalidFilterValue', 'The following filter value is not valid: the Path filter needs at least one value.');
    return (p) => values.some((v) => underPath(p.name, v, option === 'Recursive'));
  }
  const ops: Record<string, (a: string, b: string) => boolean> = key === 'Name' ? { Equals: equals, BeginsWith: beginsWith, Contains: contains } : { Equals: equals, BeginsWith: beginsWith };
  const op = ops[option ?? 'Equals'];
  if (!op) throw badOption();
  if (key.startsWith('tag:')) {
    const tagKey = key.slice(4);
    return (p) => {
      const tag = (p.tags ?? []).find((t) => t.Key === tagKey);
      return tag !== undefined && (!values.length || text(op, values, tag.Value));
    };
  }
  // No labels are set through this API yet: a Label filter selects nothing.
  if (key === 'Label') return (p) => text(op, values, undefined) || p.labels.some((l) => values.includes(l));
  if (!values.length) throw ssmError('InvalidFilterValue', `The following filter value is not valid: the ${key} filter needs at least one value.`);
  return (p) => text(op, values, field(p, key));
}

export function parameterFilters(filters: ParameterStringFilter[] | undefined, allowed: (key: string) => boolean): Test {
  const tests = (filters ?? []).map((f) => stringFilter(f, allowed));
  return (p) => tests.every((t) => t(p));
}

/** The older Filters (Name, Type, KeyId): equality on the values given. */
export function legacyFilters(filters: ParametersFilter[] | undefined): Test {
  const tests = (filters ?? []).map((f): Test => (p) => text(f.Key === 'Name' ? beginsWith : equals, f.Values ?? [], field(p, f.Key ?? '')));
  return (p) => tests.every((t) => t(p));
}
