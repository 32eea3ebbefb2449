// Validates an operation's input against the service model, the way AWS's JSON 1.1 front end does:
// wrong JSON types are SerializationExceptions; constraint failures are collected into one
// ValidationException whose message follows AWS's format. One validator per service model.
import { AwsError, err, validationErrors } from '../protocol/errors.js';
import { shapeOf, type ServiceModel, type Shape } from './serviceModel.js';

const patternCache = new Map<string, RegExp>();
function patternOf(p: string): RegExp {
  let re = patternCache.get(p);
  if (!re) {
    // Java's String.matches() matches the whole value. Unicode property classes (\p{L}, used by
    // CodeBuild's tag patterns) need the u flag, which other patterns' identity escapes do not allow.
    // A leading (?i) (Java's inline case-insensitive flag, in SSM's AccountId) is JavaScript's i flag.
    const caseless = p.startsWith('(?i)');
    const body = caseless ? p.slice(4) : p;
    re = new RegExp(`^(?:${body})$`, (body.includes('\\p{') ? 'u' : '') + (caseless ? 'i' : ''));
    patternCache.set(p, re);
  }
  return re;
}

const jsonKind = (v: unknown): string => {
  if (typeof v === 'string') return 'STRING_VALUE';
  if (typeof v === 'number') return 'NUMBER_VALUE';
  if (typeof v === 'boolean') return v ? 'TRUE_VALUE' : 'FALSE_VALUE';
  return 'VALUE';
};

function serializationError(expected: string, value: unknown): AwsError {
  if (Array.isArray(value)) return err('SerializationException', 'Start of list found where not expected');
  if (typeof value === 'object') return err('SerializationException', 'Start of structure or map found where not expected.');
  return err('SerializationException', `${jsonKind(value)} can not be converted to ${expected}`);
}

/** How AWS prints an offending value inside a validation message. */
function show(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return `'${value}'`;
  return `'${JSON.stringify(value)}'`;
}

/** Surrogate halves: a string without them has as many code points as UTF-16 units. */
const SURROGATE = /[\uD800-\uDFFF]/;
/** Lengths as AWS counts them: a string's code points, a list's items, a map's keys. */
const lengthOf = (v: unknown): number =>
  typeof v === 'string' ? (SURROGATE.test(v) ? [...v].length : v.length) : Array.isArray(v) ? v.length : Object.keys(v as object).length;

/** A structure's members as entries, made once per shape (every validation walks the same shapes). */
const memberEntries = new WeakMap<Shape, [string, NonNullable<Shape['members']>[string]][]>();
function membersOf(s: Shape) {
  let entries = memberEntries.get(s);
  if (!entries) memberEntries.set(s, (entries = Object.entries(s.members ?? {})));
  return entries;
}

class Walker {
  readonly errors: string[] = [];

  constructor(private readonly model: ServiceModel) {}

  fail(value: unknown, path: string, constraint: string) {
    this.errors.push(`Value ${show(value)} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  /** Checks `value` of shape `name`; returns the value, normalised (integers truncated). */
  walk(value: unknown, name: string, path: string): unknown {
    const s = shapeOf(this.model, name);
    switch (s.type) {
      case 'structure':
        return this.structure(value, s, path);
      case 'list':
        if (!Array.isArray(value)) throw serializationError('a List', value);
        this.size(value, s, path);
        return value.map((item, i) => this.member(item, s.member!.shape, `${path}.${i + 1}.member`));
      case 'map': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw serializationError('a Map', value);
        this.size(value, s, path);
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
          this.walk(k, s.key!.shape, `${path}.${k}.key`);
          out[k] = this.member(v, s.value!.shape, `${path}.${k}.value`);
        }
        return out;
      }
      case 'string': {
        if (typeof value !== 'string') throw serializationError('a String', value);
        this.size(value, s, path);
        if (s.enum && !s.enum.includes(value)) this.fail(value, path, `Member must satisfy enum value set: [${s.enum.join(', ')}]`);
        if (s.pattern && !patternOf(s.pattern).test(value))
          this.fail(value, path, `Member must satisfy regular expression pattern: ${s.pattern}`);
        return value;
      }
      case 'integer':
      case 'long': {
        if (typeof value !== 'number' || !Number.isFinite(value))
          throw serializationError(s.type === 'integer' ? 'an Integer' : 'a Long', value);
        const n = Math.trunc(value);
        if (s.min !== undefined && n < s.min) this.fail(n, path, `Member must have value greater than or equal to ${s.min}`);
        if (s.max !== undefined && n > s.max) this.fail(n, path, `Member must have value less than or equal to ${s.max}`);
        return n;
      }
      case 'double':
      case 'float':
        if (typeof value !== 'number') throw serializationError('a Double', value);
        return value;
      case 'boolean':
        if (typeof value !== 'boolean') throw serializationError('a Boolean', value);
        return value;
      case 'timestamp':
        if (typeof value !== 'number' && typeof value !== 'string') throw serializationError('a Date', value);
        return value;
      case 'blob':
        if (typeof value !== 'string') throw serializationError('a Blob', value);
        return value;
    }
  }

  /** A list member or map value: null is never one (AWS: "Member must not be null"), so no handler meets it. */
  private member(value: unknown, name: string, path: string): unknown {
    if (value !== null) return this.walk(value, name, path);
    this.fail(null, path, 'Member must not be null');
    return value;
  }

  private size(value: unknown, s: Shape, path: string) {
    const n = lengthOf(value);
    if (s.min !== undefined && n < s.min) this.fail(value, path, `Member must have length greater than or equal to ${s.min}`);
    if (s.max !== undefined && n > s.max) this.fail(value, path, `Member must have length less than or equal to ${s.max}`);
  }

  private structure(value: unknown, s: Shape, path: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw serializationError('a Structure', value);
    const input = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    // Most members are absent: their path is built only for a present or a missing required one.
    for (const [member, ref] of membersOf(s)) {
      const v = input[member];
      if (v === undefined || v === null) {
        if (s.required?.includes(member)) this.fail(null, path ? `${path}.${member}` : member, 'Member must not be null');
        continue;
      }
      out[member] = this.walk(v, ref.shape, path ? `${path}.${member}` : member);
    }
    return out;
  }
}

export interface Validator {
  /**
   * Validates the input of `operation`. Returns the input with unknown members dropped (AWS ignores
   * them) and integers truncated; throws SerializationException or ValidationException.
   */
  validateInput<T = Record<string, unknown>>(operation: string, body: unknown): T;
  /** Validates one value against a named shape (used for nested documents such as action type declarations). */
  validateShape(shapeName: string, value: unknown, path: string): string[];
}

/** The validator of one service's model. */
export function validatorFor(model: ServiceModel): Validator {
  return {
    validateInput<T>(operation: string, body: unknown): T {
      const op = Object.hasOwn(model.operations, operation) ? model.operations[operation] : undefined;
      if (!op?.input) return {} as T;
      const w = new Walker(model);
      const out = w.walk(body ?? {}, op.input.shape, '');
      if (w.errors.length) throw validationErrors(w.errors);
      return out as T;
    },
    validateShape(shapeName: string, value: unknown, path: string): string[] {
      const w = new Walker(model);
      w.walk(value, shapeName, path);
      return w.errors;
    },
  };
}
