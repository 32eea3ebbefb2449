// Generates inputs from the service model: a minimal valid input per operation, and bad inputs
// derived from it by breaking exactly one top-level member (or putting a null into one list or map,
// at any depth), each with the outcome it must get.
import { serviceModel, shape, type Shape } from '../../src/services/codepipeline/model/service.js';

/** Values tried, in order, for a string shape with a pattern; the first that fits is the sample. */
const PATTERN_SAMPLES = [
  'a1',
  'abc',
  'AWS',
  '123456789012',
  '00000000-0000-4000-8000-000000000000',
  'arn:aws:codepipeline:us-east-1:123456789012:p1',
  'arn:aws:iam::123456789012:role/r',
  'arn:aws:lambda:us-east-1:123456789012:function:f',
];
/** Characters tried, in order, to build a value that violates a pattern. */
const PATTERN_BREAKERS = ['!', '#', '~', '\u00e9'];

const regex = (p: string) => new RegExp(`^(?:${p})$`);
const fitsLength = (v: string, s: Shape) => [...v].length >= (s.min ?? 0) && (s.max === undefined || [...v].length <= s.max);

/** A minimal valid value of a shape: structures carry only their required members. */
export function sample(name: string): unknown {
  const s = shape(name);
  switch (s.type) {
    case 'structure':
      return Object.fromEntries((s.required ?? []).map((m) => [m, sample(s.members![m].shape)]));
    case 'list':
      return Array.from({ length: s.min ?? 0 }, () => sample(s.member!.shape));
    case 'map':
      return Object.fromEntries(mapKeys(s, s.min ?? 0).map((k) => [k, sample(s.value!.shape)]));
    case 'string': {
      if (s.enum) return s.enum[0];
      if (!s.pattern) return 'a'.repeat(Math.max(s.min ?? 0, 1));
      const re = regex(s.pattern);
      const v = PATTERN_SAMPLES.find((c) => re.test(c) && fitsLength(c, s));
      if (v === undefined) throw new Error(`no sample for shape ${name} /${s.pattern}/`);
      return v;
    }
    case 'integer':
    case 'long':
      return s.min ?? 1;
    case 'boolean':
      return true;
    case 'timestamp':
      return 1_700_000_000;
    default:
      return 'a';
  }
}

/** `n` distinct valid keys for a map shape. */
function mapKeys(s: Shape, n: number): string[] {
  const key = shape(s.key!.shape);
  const fits = (k: string) => fitsLength(k, key) && (!key.pattern || regex(key.pattern).test(k));
  const base = String(sample(s.key!.shape));
  return Array.from({ length: n }, (_, i) => {
    const k = [`k${i}`.padEnd(key.min ?? 0, 'k'), `${base}${i}`].find(fits);
    if (k === undefined) throw new Error(`no key ${i} fits the key shape ${s.key!.shape}`);
    return k;
  });
}

/** A value that is never of the shape's JSON type: one scalar and one container per type. */
function wrongTypes(s: Shape): unknown[] {
  switch (s.type) {
    case 'string':
      return [123, {}];
    case 'integer':
    case 'long':
      return ['1', []];
    case 'boolean':
      return ['true', 1];
    case 'list':
      return ['x', {}];
    case 'map':
    case 'structure':
      return ['x', []];
    case 'timestamp':
      return [true, {}];
    default:
      return [[]];
  }
}

/** The constraint messages the validator must produce for `value` at `path` (AWS's wording). */
function stringFailures(value: string, s: Shape, path: string): string[] {
  const out: string[] = [];
  const at = `Value '${value}' at '${path}' failed to satisfy constraint: `;
  const n = [...value].length;
  if (s.min !== undefined && n < s.min) out.push(`${at}Member must have length greater than or equal to ${s.min}`);
  if (s.max !== undefined && n > s.max) out.push(`${at}Member must have length less than or equal to ${s.max}`);
  if (s.enum && !s.enum.includes(value)) out.push(`${at}Member must satisfy enum value set: [${s.enum.join(', ')}]`);
  if (s.pattern && !regex(s.pattern).test(value)) out.push(`${at}Member must satisfy regular expression pattern: ${s.pattern}`);
  return out;
}

/**
 * The value of shape `name` once for every list and map reachable inside it (at any depth), each time
 * with a null member or map value there, and the path AWS names for that null. Optional members on
 * the way are filled with minimal valid values, so the null is the only fault.
 */
function withNullMembers(name: string, path: string, seen: string[] = []): { value: unknown; at: string }[] {
  if (seen.includes(name)) return []; // a recursive shape: its first level is covered
  const s = shape(name);
  const inside = [...seen, name];
  switch (s.type) {
    case 'structure': {
      const base = sample(name) as Record<string, unknown>;
      return Object.entries(s.members ?? {}).flatMap(([m, ref]) =>
        withNullMembers(ref.shape, path ? `${path}.${m}` : m, inside).map((v) => ({ value: { ...base, [m]: v.value }, at: v.at })),
      );
    }
    case 'list': {
      // The null comes first; valid members after it keep the list at its minimum length.
      const rest = Array.from({ length: Math.max((s.min ?? 0) - 1, 0) }, () => sample(s.member!.shape));
      const at = `${path}.1.member`;
      return [{ value: [null, ...rest], at }, ...withNullMembers(s.member!.shape, at, inside).map((v) => ({ value: [v.value, ...rest], at: v.at }))];
    }
    case 'map': {
      const [first, ...others] = mapKeys(s, Math.max(s.min ?? 0, 1));
      const rest = Object.fromEntries(others.map((k) => [k, sample(s.value!.shape)]));
      const at = `${path}.${first}.value`;
      return [
        { value: { [first]: null, ...rest }, at },
        ...withNullMembers(s.value!.shape, at, inside).map((v) => ({ value: { [first]: v.value, ...rest }, at: v.at })),
      ];
    }
    default:
      return [];
  }
}

export interface BadInput {
  label: string;
  body: string;
  /** SerializationException, or ValidationException with these message fragments (the exact error count). */
  expect: { type: 'SerializationException' } | { type: 'ValidationException'; fragments: string[] };
}

export function baseInput(operation: string): Record<string, unknown> {
  return sample(serviceModel.operations[operation].input!.shape) as Record<string, unknown>;
}

export function badInputs(operation: string): BadInput[] {
  const input = shape(serviceModel.operations[operation].input!.shape);
  const base = baseInput(operation);
  const ser = { type: 'SerializationException' } as const;
  const out: BadInput[] = [
    { label: 'malformed JSON', body: '{"a":', expect: ser },
    { label: 'body is a JSON array', body: JSON.stringify([base]), expect: ser },
    { label: 'body is a JSON string', body: '"x"', expect: ser },
    { label: 'body is JSON null', body: 'null', expect: ser },
  ];
  const withMember = (m: string, v: unknown) => JSON.stringify({ ...base, [m]: v });
  const invalid = (label: string, body: string, fragments: string[]) =>
    out.push({ label, body, expect: { type: 'ValidationException', fragments } });

  for (const [m, ref] of Object.entries(input.members ?? {})) {
    const s = shape(ref.shape);
    for (const v of wrongTypes(s)) out.push({ label: `${m} = ${JSON.stringify(v)} (${s.type} expected)`, body: withMember(m, v), expect: ser });
    if (input.required?.includes(m)) {
      const { [m]: _, ...rest } = base;
      invalid(`${m} missing`, JSON.stringify(rest), [`Value null at '${m}' failed to satisfy constraint: Member must not be null`]);
      invalid(`${m} = null`, withMember(m, null), [`Value null at '${m}' failed to satisfy constraint: Member must not be null`]);
    }
    for (const v of withNullMembers(ref.shape, m))
      invalid(`null at ${v.at}`, withMember(m, v.value), [`Value null at '${v.at}' failed to satisfy constraint: Member must not be null`]);
    if (s.type === 'string') {
      const tries: string[] = [];
      if (s.max !== undefined) tries.push('a'.repeat(s.max + 1));
      if (s.min) tries.push('');
      if (s.enum) tries.push('NOT_A_MEMBER_OF_THE_ENUM');
      if (s.pattern) {
        const re = regex(s.pattern);
        const breaker = PATTERN_BREAKERS.map((c) => c.repeat(Math.max(s.min ?? 0, 1))).find((v) => !re.test(v) && fitsLength(v, s));
        if (breaker !== undefined) tries.push(breaker); // patterns such as .* accept everything
      }
      for (const v of tries) invalid(`${m} = '${v.length > 20 ? `${v.slice(0, 8)}...(${v.length})` : v}'`, withMember(m, v), stringFailures(v, s, m));
    }
    if (s.type === 'integer' || s.type === 'long') {
      if (s.min !== undefined)
        invalid(`${m} = ${s.min - 1}`, withMember(m, s.min - 1), [`Value '${s.min - 1}' at '${m}' failed to satisfy constraint: Member must have value greater than or equal to ${s.min}`]);
      if (s.max !== undefined)
        invalid(`${m} = ${s.max + 1}`, withMember(m, s.max + 1), [`Value '${s.max + 1}' at '${m}' failed to satisfy constraint: Member must have value less than or equal to ${s.max}`]);
    }
    if (s.type === 'list' || s.type === 'map') {
      const make = (n: number) =>
        s.type === 'list' ? Array.from({ length: n }, () => sample(s.member!.shape)) : Object.fromEntries(mapKeys(s, n).map((k) => [k, sample(s.value!.shape)]));
      // The offending value is printed too; its rendering is not asserted, only the constraint.
      if (s.max !== undefined)
        invalid(`${m} with ${s.max + 1} entries`, withMember(m, make(s.max + 1)), [`at '${m}' failed to satisfy constraint: Member must have length less than or equal to ${s.max}`]);
      if (s.min) invalid(`${m} empty`, withMember(m, make(0)), [`at '${m}' failed to satisfy constraint: Member must have length greater than or equal to ${s.min}`]);
    }
  }
  return out;
}
