// CloudFormation templates: parsed from JSON or YAML (with the short-form intrinsic function tags such
// as !Ref and !Sub), checked as CloudFormation checks them (sections, functions, transforms), parameters
// validated and resolved, Rules asserted, and values evaluated. Ref and Fn::GetAtt of a resource read
// its state when the stack engine has provisioned it (src/stacks/operation.ts); otherwise (a change set
// preview, a simulated resource) the physical id is simulated as "<stack>-<LogicalId>-<12 characters>"
// (or its name property, e.g. BucketName) and Fn::GetAtt answers a plausible value (simulatedAttributes.ts).
import { createHash } from 'node:crypto';
import type { YAMLMap, YAMLSeq } from 'yaml';
import { lazyRequire } from '../util/lazyRequire.js';
import { simulatedAttribute, simulatedName, simulatedPhysicalId } from './simulatedAttributes.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

export class TemplateError extends Error {}

export type Template = Record<string, any>;

const SHORT_FORMS = [
  'Ref', 'Condition', 'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub',
  'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'Length', 'ToJsonString', 'Contains', 'EachMemberEquals', 'EachMemberIn',
  'RefAll', 'ValueOf', 'ValueOfAll',
];

const keyOf = (f: string) => (f === 'Ref' || f === 'Condition' ? f : `Fn::${f}`);

const CUSTOM_TAGS = SHORT_FORMS.flatMap((f) => {
  const key = keyOf(f);
  const scalar = (v: unknown) => (f === 'GetAtt' && typeof v === 'string' ? v.split(/\.(.*)/s).filter((x) => x !== '') : v);
  return [
    { tag: `!${f}`, resolve: (v: string) => ({ [key]: scalar(v) }) },
    { tag: `!${f}`, collection: 'seq' as const, resolve: (n: YAMLSeq) => ({ [key]: n.toJSON() }) },
    { tag: `!${f}`, collection: 'map' as const, resolve: (n: YAMLMap) => ({ [key]: n.toJSON() }) },
  ];
});

/** The functions CloudFormation evaluates in any template (its own list, in its order). */
const FUNCTIONS = [
  'Fn::Base64', 'Fn::GetAtt', 'Fn::GetAZs', 'Fn::ImportValue', 'Fn::Join', 'Fn::Split', 'Fn::FindInMap', 'Fn::Select', 'Ref',
  'Fn::Equals', 'Fn::If', 'Fn::Not', 'Condition', 'Fn::And', 'Fn::Or', 'Fn::Contains', 'Fn::EachMemberEquals', 'Fn::EachMemberIn',
  'Fn::ValueOf', 'Fn::ValueOfAll', 'Fn::RefAll', 'Fn::Sub', 'Fn::Cidr',
];
/** Added by the AWS::LanguageExtensions transform. */
const LANGUAGE_EXTENSIONS = ['Fn::Length', 'Fn::ToJsonString'];
/** Fn::Transform (AWS::Include) needs the macro service: refused with the unsupported-transform message. */
const SECTIONS = ['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Transform', 'Resources', 'Outputs', 'Hooks'];

const PARAMETER_TYPES = ['String', 'Number', 'List<Number>', 'CommaDelimitedList'];
const SSM_TYPE = /^AWS::SSM::Parameter::(Name|Value<.+>)$/;
const AWS_TYPE = /^(List<)?AWS::[A-Za-z0-9]+::[A-Za-z0-9:]+>?$/;

/** Parses a template body: JSON when it looks like JSON, else YAML. Messages follow CloudFormation's. */
/**
 * Templates parsed lately, by their text: a pipeline deploys the same template again and again, and
 * YAML parsing costs milliseconds where a copy of the result costs microseconds. Each caller gets its
 * own copy (callers may change what they get); only templates that parsed and passed the checks are kept.
 */
const parsed = new Map<string, Template>();
const PARSED_KEPT = 32;
const PARSED_MAX_CHARS = 256 * 1024;

export function parseTemplate(body: string): Template {
  const hit = parsed.get(body);
  if (hit) {
    // Most recently used last: the oldest goes first when the cache is full.
    parsed.delete(body);
    parsed.set(body, hit);
    return structuredClone(hit);
  }
  const t = parseTemplateText(body);
  if (body.length <= PARSED_MAX_CHARS) {
    parsed.set(body, structuredClone(t));
    if (parsed.size > PARSED_KEPT) parsed.delete(parsed.keys().next().value!);
  }
  return t;
}

function parseTemplateText(body: string): Template {
  const trimmed = body.trimStart();
  let doc: unknown;
  if (trimmed.startsWith('{')) {
    try {
      doc = JSON.parse(body);
    } catch {
      throw new TemplateError('Template format error: JSON not well-formed.');
    }
  } else {
    try {
      doc = yaml().parse(body, { customTags: CUSTOM_TAGS as never, uniqueKeys: true, maxAliasCount: 100 });
    } catch (e) {
      throw new TemplateError(`Template format error: YAML not well-formed. ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new TemplateError('Template format error: the template must be a JSON or YAML object');
  const t = doc as Template;
  const unknown = Object.keys(t).filter((k) => !SECTIONS.includes(k));
  if (unknown.length) throw new TemplateError(`Template format error: Invalid template property or properties [${unknown.join(', ')}]`);
  if (!t.Resources || typeof t.Resources !== 'object' || Array.isArray(t.Resources) || Object.keys(t.Resources).length === 0)
    throw new TemplateError('Template format error: At least one Resources member must be defined.');
  for (const [id, r] of Object.entries(t.Resources as Record<string, any>))
    if (!r || typeof r !== 'object' || typeof r.Type !== 'string')
      throw new TemplateError(`Template format error: [/Resources/${id}] Every Resources object must contain a Type member.`);
  for (const [name, p] of Object.entries((t.Parameters ?? {}) as Record<string, any>)) {
    const type = String(p?.Type);
    if (!PARAMETER_TYPES.includes(type) && !SSM_TYPE.test(type) && !AWS_TYPE.test(type)) throw new TemplateError(`Template format error: Unrecognized parameter type: ${type}`);
    if (p?.Type === undefined) throw new TemplateError(`Template format error: [/Parameters/${name}] Every Parameters object must contain a Type member.`);
  }
  for (const [name, m] of Object.entries((t.Mappings ?? {}) as Record<string, any>))
    for (const [k, v] of Object.entries((m ?? {}) as Record<string, unknown>))
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new TemplateError(`Template format error: [/Mappings/${name}/${k}] Every Mappings attribute must be a map`);
  checkFunctions(t);
  return t;
}

/** The transforms a template declares. */
export function transformsOf(t: Template): string[] {
  const x = t.Transform;
  return x === undefined ? [] : (Array.isArray(x) ? x : [x]).map(String);
}

/** Unknown functions fail as CloudFormation fails them; Fn::Length / Fn::ToJsonString need AWS::LanguageExtensions. */
function checkFunctions(t: Template) {
  const allowed = transformsOf(t).includes('AWS::LanguageExtensions') ? [...FUNCTIONS, ...LANGUAGE_EXTENSIONS] : FUNCTIONS;
  const walk = (n: unknown) => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    const keys = Object.keys(n);
    if (keys.length === 1 && keys[0].startsWith('Fn::') && !allowed.includes(keys[0]))
      throw new TemplateError(`Template error: Encountered unsupported function: ${keys[0]} Supported functions are: [${allowed.join(', ')}]`);
    Object.values(n).forEach(walk);
  };
  for (const section of ['Resources', 'Outputs', 'Conditions', 'Rules']) walk(t[section]);
}

/**
 * Transforms are macros run by AWS; here only AWS::LanguageExtensions (its functions are evaluated
 * natively). Others fail the stack as AWS fails a transform it cannot run.
 */
export function checkTransforms(t: Template, account: string) {
  for (const name of transformsOf(t)) {
    if (name === 'AWS::LanguageExtensions') continue;
    if (name.startsWith('AWS::Serverless') || name === 'AWS::Include' || name === 'AWS::CodeDeployBlueGreen' || name === 'AWS::SecretsManager-2020-07-23')
      throw new TemplateError(`Transform ${name} failed with: the emulator does not run the ${name} transform (macros are AWS-hosted); deploy the expanded template instead`);
    throw new TemplateError(`No transform named ${account}::${name} found.`);
  }
}

/** The capabilities a template requires (IAM resources, macros and nested stacks). */
export function requiredCapabilities(t: Template): string[] {
  const types = Object.values(t.Resources as Record<string, any>).map((r) => String(r.Type));
  const out: string[] = [];
  const iam = types.filter((x) => x.startsWith('AWS::IAM::'));
  if (iam.length) {
    const named = Object.values(t.Resources as Record<string, any>).some(
      (r) => String(r.Type).startsWith('AWS::IAM::') && r.Properties && ['RoleName', 'UserName', 'GroupName', 'ManagedPolicyName'].some((k) => k in r.Properties),
    );
    out.push(named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM');
  }
  if (t.Transform !== undefined) out.push('CAPABILITY_AUTO_EXPAND');
  return out;
}

/** Whether a parameter's value is a list (List<...> and CommaDelimitedList types). */
const isListType = (type: string) => type.startsWith('List<') || type === 'CommaDelimitedList' || /^AWS::SSM::Parameter::Value<List<.*>>$/.test(type) || type === 'AWS::SSM::Parameter::Value<CommaDelimitedList>';

/** The names of the parameters declared NoEcho. */
export function noEchoParameters(t: Template): string[] {
  return Object.entries((t.Parameters ?? {}) as Record<string, any>)
    .filter(([, p]) => String(p?.NoEcho).toLowerCase() === 'true')
    .map(([k]) => k);
}

/** A parameter value's constraints (AllowedValues, AllowedPattern, lengths, numbers), with CloudFormation's messages. */
function checkParameter(name: string, p: any, v: string) {
  const fail = (msg: string) => {
    throw new TemplateError(p?.ConstraintDescription !== undefined ? `Parameter '${name}' failed to satisfy constraint: ${p.ConstraintDescription}` : msg);
  };
  const type = String(p?.Type ?? 'String');
  if (SSM_TYPE.test(type)) return;
  const values = isListType(type) ? v.split(',').map((x) => x.trim()) : [v];
  for (const x of values) {
    if (type === 'Number' || type === 'List<Number>') {
      if (x.trim() === '' || !Number.isFinite(Number(x))) throw new TemplateError(`Parameter '${name}' must be a number.`);
      if (p?.MinValue !== undefined && Number(x) < Number(p.MinValue)) fail(`Parameter '${name}' must be a number not less than ${p.MinValue}`);
      if (p?.MaxValue !== undefined && Number(x) > Number(p.MaxValue)) fail(`Parameter '${name}' must be a number not greater than ${p.MaxValue}`);
    }
    if (Array.isArray(p?.AllowedValues) && !p.AllowedValues.map(String).includes(x)) fail(`Parameter '${name}' must be one of AllowedValues`);
    if (p?.AllowedPattern !== undefined && !new RegExp(`^(?:${p.AllowedPattern})$`).test(x)) fail(`Parameter '${name}' must match pattern ${p.AllowedPattern}`);
    if (p?.MinLength !== undefined && x.length < Number(p.MinLength)) fail(`Parameter '${name}' must contain at least ${p.MinLength} characters`);
    if (p?.MaxLength !== undefined && x.length > Number(p.MaxLength)) fail(`Parameter '${name}' must contain at most ${p.MaxLength} characters`);
  }
}

/** Resolves parameter values: given values over defaults, validated; CloudFormation's messages for unknown, missing and invalid ones. */
export function resolveParameters(t: Template, given: Record<string, string>): Record<string, string> {
  const declared = (t.Parameters ?? {}) as Record<string, any>;
  const unknown = Object.keys(given).filter((k) => !(k in declared));
  if (unknown.length) throw new TemplateError(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, p] of Object.entries(declared)) {
    const v = given[name] ?? (p?.Default !== undefined ? (Array.isArray(p.Default) ? p.Default.join(',') : String(p.Default)) : undefined);
    if (v === undefined) missing.push(name);
    else out[name] = v;
  }
  if (missing.length) throw new TemplateError(`Parameters: [${missing.join(', ')}] must have values`);
  for (const [name, v] of Object.entries(out)) checkParameter(name, declared[name], v);
  return out;
}

/** Looks up a parameter of the local parameter store (SSM) by name, in the stack's account and region. */
export type ParameterLookup = (scope: { account: string; region: string }, name: string) => string | undefined;

/** The values Ref answers for the parameters: SSM parameter types read from the parameter store (CloudFormation's message when one is missing). */
export function resolvedParameterValues(t: Template, parameters: Record<string, string>, scope: { account: string; region: string }, lookup?: ParameterLookup): Record<string, string> {
  const out: Record<string, string> = { ...parameters };
  const missing: string[] = [];
  for (const [name, p] of Object.entries((t.Parameters ?? {}) as Record<string, any>)) {
    const type = String(p?.Type);
    if (!type.startsWith('AWS::SSM::Parameter::Value<') || out[name] === undefined) continue;
    const v = lookup?.(scope, out[name]);
    if (v === undefined) missing.push(out[name]);
    else out[name] = v;
  }
  if (missing.length) throw new TemplateError(`Unable to fetch parameters [${missing.join(',')}] from parameter store for this account.`);
  return out;
}

/** What a provisioned resource is, as Ref and Fn::GetAtt read it. */
export interface ResourceState {
  type: string;
  physicalId: string;
  /** What Ref answers when it is not the physical id. */
  ref?: string;
  attributes: Record<string, unknown>;
  /** Recorded only: Fn::GetAtt answers a plausible value for attributes it lacks. */
  simulated: boolean;
  /** Its properties as evaluated: a simulated resource's attribute named like a property answers its value (an SSM parameter's Value...). */
  properties?: Record<string, unknown>;
}

export interface StackContext {
  stackName: string;
  stackId: string;
  account: string;
  region: string;
  /** Parameter values (SSM parameter types already resolved). */
  parameters: Record<string, string>;
  /** Exports of other stacks, for Fn::ImportValue. */
  exports: Record<string, string>;
  /** The stack's resources as provisioned; a resource absent here is simulated. */
  resources?: (logicalId: string) => ResourceState | undefined;
}

const hash12 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12).toUpperCase();

export const NO_VALUE = Symbol('AWS::NoValue');

type Block = 'Resources' | 'Outputs' | 'Conditions' | 'Rules';

/**
 * A name no resource (or parameter) of the stack answers to, in CloudFormation's words: a "Template
 * format error" in Resources, the bare sentence in Outputs (as CreateStack and ValidateTemplate word it).
 */
function unresolvedDependency(name: string, block: Block): TemplateError {
  const sentence = `Unresolved resource dependencies [${name}] in the ${block} block of the template`;
  return new TemplateError(block === 'Outputs' ? sentence : `Template format error: ${sentence}`);
}

function cidr(block: string, count: number, bits: number): string[] {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(block);
  if (!m || m.slice(1, 5).some((x) => Number(x) > 255) || Number(m[5]) > 32) throw new TemplateError(`Template error: Fn::Cidr ipBlock ${block} is not a valid CIDR block`);
  if (!(count >= 1 && count <= 256) || !Number.isInteger(bits)) throw new TemplateError('Template error: Fn::Cidr count must be between 1 and 256 and cidrBits must be an integer');
  const prefix = Number(m[5]);
  const newPrefix = 32 - bits;
  if (newPrefix < prefix || count > 2 ** (newPrefix - prefix)) throw new TemplateError(`Template error: Fn::Cidr cannot fit ${count} blocks with ${bits} CIDR bits in ${block}`);
  const base = (m.slice(1, 5).reduce((a, x) => a * 256 + Number(x), 0) >>> 0) & (prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0);
  return Array.from({ length: count }, (_, i) => {
    const n = (base + i * 2 ** bits) >>> 0;
    return `${[24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.')}/${newPrefix}`;
  });
}

export class Evaluator {
  private readonly conditions = new Map<string, boolean>();
  private block: Block = 'Resources';

  constructor(
    private readonly t: Template,
    private readonly ctx: StackContext,
  ) {}

  in(block: Block): this {
    this.block = block;
    return this;
  }

  /** The simulated physical id of a resource: its name (simulatedName) in the shape its type's ids have (an SNS topic's ARN...). */
  simulatedId(logicalId: string): string {
    const type = String((this.t.Resources as Record<string, any>)[logicalId].Type);
    return simulatedPhysicalId(type, this.simulatedName(logicalId), this.ctx.region, this.ctx.account);
  }

  /** A simulated resource's name: its name property when the template sets one, else stack-LogicalId-HASH. */
  private simulatedName(logicalId: string): string {
    const r = (this.t.Resources as Record<string, any>)[logicalId];
    const short = String(r.Type).split('::').pop()!;
    const named = r.Properties?.[`${short}Name`];
    if (named !== undefined) {
      try {
        const v = this.value(named);
        if (typeof v === 'string') return v;
      } catch {
        // A name built from another resource is known only once that resource is: simulated below.
      }
    }
    return `${this.ctx.stackName}-${logicalId}-${hash12(`${this.ctx.stackId}/${logicalId}`)}`.slice(0, 128);
  }

  private unresolved(name: string): never {
    throw unresolvedDependency(name, this.block);
  }

  private attribute(logicalId: string, attr: string): unknown {
    if (!(logicalId in (this.t.Resources as object))) {
      if (this.block === 'Outputs') this.unresolved(logicalId);
      throw new TemplateError(`Template error: instance of Fn::GetAtt references undefined resource ${logicalId}`);
    }
    if (this.block === 'Conditions') throw new TemplateError(`Template format error: Unresolved dependencies [${logicalId}]. Cannot reference resources in the Conditions block of the template`);
    const type = String((this.t.Resources as Record<string, any>)[logicalId].Type);
    const state = this.ctx.resources?.(logicalId);
    if (state && attr in state.attributes) return state.attributes[attr];
    if (state && !state.simulated) throw new TemplateError(`Template error: resource ${logicalId} does not support attribute type ${attr} in Fn::GetAtt`);
    const echoed = state?.properties?.[attr];
    if (typeof echoed === 'string' || typeof echoed === 'number' || typeof echoed === 'boolean') return String(echoed);
    return simulatedAttribute(type, state ? simulatedName(type, state.physicalId) : this.simulatedName(logicalId), attr, this.ctx.region, this.ctx.account);
  }

  private ref(name: string): unknown {
    const pseudo: Record<string, unknown> = {
      'AWS::StackName': this.ctx.stackName,
      'AWS::StackId': this.ctx.stackId,
      'AWS::Region': this.ctx.region,
      'AWS::AccountId': this.ctx.account,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::NotificationARNs': [],
      'AWS::NoValue': NO_VALUE,
    };
    if (name in pseudo) return pseudo[name];
    if (name in this.ctx.parameters) {
      const type = String(this.t.Parameters?.[name]?.Type ?? 'String');
      const v = this.ctx.parameters[name];
      return isListType(type) ? v.split(',').map((x) => x.trim()) : v;
    }
    if (name in (this.t.Resources as object)) {
      if (this.block === 'Conditions') throw new TemplateError(`Template format error: Unresolved dependencies [${name}]. Cannot reference resources in the Conditions block of the template`);
      const state = this.ctx.resources?.(name);
      return state ? (state.ref ?? state.physicalId) : this.simulatedId(name);
    }
    return this.unresolved(name);
  }

  condition(name: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    const def = this.t.Conditions?.[name];
    if (def === undefined) throw new TemplateError(`Template format error: Unresolved condition dependency ${name} in the ${this.block} block of the template`);
    const outer = this.block;
    this.block = 'Conditions';
    this.conditions.set(name, false);
    const v = Boolean(this.value(def));
    this.conditions.set(name, v);
    this.block = outer;
    return v;
  }

  private sub(template: string, vars: Record<string, unknown>): string {
    return template.replace(/\$\{(!?)([^}]*)\}/g, (all, bang: string, name: string) => {
      if (bang) return `\${${name}}`;
      const key = name.trim();
      if (key in vars) return String(this.value(vars[key]));
      const dot = key.indexOf('.');
      if (dot > 0 && !key.startsWith('AWS::') && key.slice(0, dot) in (this.t.Resources as object)) return String(this.attribute(key.slice(0, dot), key.slice(dot + 1)));
      const v = this.ref(key);
      return Array.isArray(v) ? v.join(',') : String(v);
    });
  }

  private list(v: unknown, fn: string): unknown[] {
    if (!Array.isArray(v)) throw new TemplateError(`Template error: every ${fn} object requires a list argument`);
    return v;
  }

  value(node: unknown): unknown {
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map((n) => this.value(n)).filter((v) => v !== NO_VALUE);
    const entries = Object.entries(node as Record<string, unknown>);
    if (entries.length === 1) {
      const [k, arg] = entries[0];
      const a = arg as any;
      switch (k) {
        case 'Ref':
          return this.ref(String(a));
        case 'Condition':
          return this.condition(String(a));
        case 'Fn::GetAtt': {
          const [id, ...attr] = Array.isArray(a) ? a.map((x: unknown) => String(this.value(x))) : String(a).split('.');
          return this.attribute(id, attr.join('.'));
        }
        case 'Fn::Sub':
          return Array.isArray(a) ? this.sub(String(a[0]), (a[1] ?? {}) as Record<string, unknown>) : this.sub(String(a), {});
        case 'Fn::Join': {
          if (!Array.isArray(a) || a.length !== 2) throw new TemplateError('Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.');
          const list = this.value(a[1]);
          return (Array.isArray(list) ? list : [list]).map((x) => String(x)).join(String(a[0]));
        }
        case 'Fn::Select': {
          if (!Array.isArray(a) || a.length !== 2) throw new TemplateError('Template error: Fn::Select requires a list argument with two elements: an integer index and a list');
          const list = this.value(a[1]);
          const raw = this.value(a[0]);
          const i = Number(raw);
          if (String(raw).trim() === '' || !Number.isInteger(i)) throw new TemplateError('Template error: Fn::Select requires a list argument with two elements: an integer index and a list');
          if (!Array.isArray(list) || !(i >= 0 && i < list.length)) throw new TemplateError('Template error: Fn::Select cannot select nonexistent value at index ' + i);
          return list[i];
        }
        case 'Fn::Split':
          if (!Array.isArray(a) || a.length !== 2) throw new TemplateError('Template error: Fn::Split requires a list argument with two elements: a delimiter and a source string');
          return String(this.value(a[1])).split(String(a[0]));
        case 'Fn::If': {
          if (!Array.isArray(a) || a.length !== 3) throw new TemplateError('Template error: Fn::If requires a list argument with three elements');
          if (this.t.Conditions?.[String(a[0])] === undefined) throw new TemplateError(`Template error: unresolved condition dependency ${a[0]} in Fn::If`);
          return this.condition(String(a[0])) ? this.value(a[1]) : this.value(a[2]);
        }
        case 'Fn::Equals': {
          if (!Array.isArray(a) || a.length !== 2) throw new TemplateError('Template error: every Fn::Equals object requires a list of 2 string parameters.');
          const [x, y] = [this.value(a[0]), this.value(a[1])];
          return JSON.stringify(x) === JSON.stringify(y) || String(x) === String(y);
        }
        case 'Fn::Not':
          if (!Array.isArray(a) || a.length !== 1) throw new TemplateError('Template error: every Fn::Not object requires a list with exactly 1 boolean parameter.');
          return !this.value(a[0]);
        case 'Fn::And':
        case 'Fn::Or': {
          if (!Array.isArray(a) || a.length < 2 || a.length > 10) throw new TemplateError(`Template error: every ${k} object requires a list of at least 2 and at most 10 boolean parameters.`);
          const values = a.map((x: unknown) => Boolean(this.value(x)));
          return k === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
        }
        case 'Fn::FindInMap': {
          if (!Array.isArray(a) || a.length < 3) throw new TemplateError('Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value');
          const [m, k1, k2] = a.slice(0, 3).map((x: unknown) => String(this.value(x)));
          if (this.t.Mappings?.[m] === undefined) throw new TemplateError(`Template error: Mapping named '${m}' is not present in the 'Mappings' section of template.`);
          const v = this.t.Mappings[m]?.[k1]?.[k2];
          if (v === undefined) {
            // AWS::LanguageExtensions: a fourth element { DefaultValue: ... }.
            const dflt = a[3]?.DefaultValue;
            if (dflt !== undefined) return this.value(dflt);
            throw new TemplateError(`Template error: Unable to get mapping for ${m}::${k1}::${k2}`);
          }
          return v;
        }
        case 'Fn::Base64':
          return Buffer.from(String(this.value(a))).toString('base64');
        case 'Fn::GetAZs': {
          const region = String(this.value(a) || this.ctx.region);
          return ['a', 'b', 'c'].map((z) => `${region}${z}`);
        }
        case 'Fn::Cidr': {
          const [block, count, bits] = this.list(this.value(a), 'Fn::Cidr');
          return cidr(String(block), Number(count), Number(bits));
        }
        case 'Fn::ImportValue': {
          const name = String(this.value(a));
          const v = this.ctx.exports[name];
          if (v === undefined) throw new TemplateError(`No export named ${name} found.`);
          return v;
        }
        case 'Fn::Length': {
          const v = this.value(a);
          if (!Array.isArray(v)) throw new TemplateError('Template error: Fn::Length requires a list or a function that returns a list');
          return v.length;
        }
        case 'Fn::ToJsonString':
          return JSON.stringify(this.value(a));
        // Rule functions (the Rules section).
        case 'Fn::Contains': {
          const [list, v] = this.list(this.value(a), k);
          return this.list(list, k).map(String).includes(String(v));
        }
        case 'Fn::EachMemberEquals': {
          const [list, v] = this.list(this.value(a), k);
          return this.list(list, k).every((x) => String(x) === String(v));
        }
        case 'Fn::EachMemberIn': {
          const [list, allowed] = this.list(this.value(a), k);
          const set = this.list(allowed, k).map(String);
          return this.list(list, k).every((x) => set.includes(String(x)));
        }
        case 'Fn::RefAll': {
          const type = String(this.value(a));
          return Object.entries((this.t.Parameters ?? {}) as Record<string, any>)
            .filter(([, p]) => String(p?.Type) === type)
            .map(([name]) => this.ctx.parameters[name]);
        }
        case 'Fn::ValueOf':
        case 'Fn::ValueOfAll':
          // Attributes of AWS-specific parameter values (a VPC's tags...) exist only in AWS.
          throw new TemplateError(`Template error: ${k} is not supported by the emulator (it reads attributes of resources in AWS)`);
        default:
          break;
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const x = this.value(v);
      if (x !== NO_VALUE) out[k] = x;
    }
    return out;
  }
}

const render = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.map(render).join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The stack's outputs (key -> value) and exports (name -> value), evaluated against the stack. */
export function evaluateOutputs(t: Template, ctx: StackContext): { outputs: Record<string, string>; exports: Record<string, string>; descriptions: Record<string, string> } {
  const ev = new Evaluator(t, ctx).in('Outputs');
  const outputs: Record<string, string> = {};
  const exports: Record<string, string> = {};
  const descriptions: Record<string, string> = {};
  for (const [key, o] of Object.entries((t.Outputs ?? {}) as Record<string, any>)) {
    if (!o || typeof o !== 'object') continue;
    if (o.Condition !== undefined && !ev.condition(String(o.Condition))) continue;
    const value = render(ev.value(o.Value));
    outputs[key] = value;
    if (typeof o.Description === 'string') descriptions[key] = o.Description;
    if (o.Export?.Name !== undefined) exports[render(ev.value(o.Export.Name))] = value;
  }
  return { outputs, exports, descriptions };
}

/** The Rules assertions: a rule whose RuleCondition holds must see each Assert true (else its AssertDescription is the error). */
export function checkRules(t: Template, ctx: StackContext) {
  const ev = new Evaluator(t, ctx).in('Rules');
  for (const [name, rule] of Object.entries((t.Rules ?? {}) as Record<string, any>)) {
    if (rule?.RuleCondition !== undefined && !ev.value(rule.RuleCondition)) continue;
    for (const assertion of (rule?.Assertions ?? []) as any[]) {
      if (ev.value(assertion?.Assert)) continue;
      throw new TemplateError(typeof assertion?.AssertDescription === 'string' ? assertion.AssertDescription : `Template error: Rule ${name} assertion failed`);
    }
  }
}

/** The resources a stack holds once the template is applied (those whose Condition holds), with simulated physical ids. */
export function stackResources(t: Template, ctx: StackContext): { logicalId: string; type: string; physicalId: string }[] {
  const ev = new Evaluator(t, ctx);
  return Object.entries(t.Resources as Record<string, any>)
    .filter(([, r]) => r.Condition === undefined || ev.condition(String(r.Condition)))
    .map(([id, r]) => ({ logicalId: id, type: String(r.Type), physicalId: ctx.resources?.(id)?.physicalId ?? ev.simulatedId(id) }));
}

/** The resources a node refers to (Ref, Fn::GetAtt, Fn::Sub variables), only the taken branch of each Fn::If. */
function references(t: Template, ev: Evaluator, node: unknown, out: Set<string>) {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((n) => references(t, ev, n, out));
  const entries = Object.entries(node as Record<string, unknown>);
  if (entries.length === 1) {
    const [k, a] = entries[0] as [string, any];
    if (k === 'Ref' && typeof a === 'string') {
      if (!a.startsWith('AWS::') && !(a in (t.Parameters ?? {}))) out.add(a);
      return;
    }
    if (k === 'Fn::GetAtt') {
      const id = Array.isArray(a) ? a[0] : String(a).split('.')[0];
      if (typeof id === 'string') out.add(id);
      if (Array.isArray(a)) a.slice(1).forEach((x: unknown) => references(t, ev, x, out));
      return;
    }
    if (k === 'Fn::Sub') {
      const [s, vars] = Array.isArray(a) ? [String(a[0]), (a[1] ?? {}) as Record<string, unknown>] : [String(a), {}];
      for (const m of s.matchAll(/\$\{(?!!)([^}]*)\}/g)) {
        const name = m[1].trim();
        if (name in vars || name.startsWith('AWS::')) continue;
        const id = name.split('.')[0];
        if (!(id in (t.Parameters ?? {}))) out.add(id);
      }
      references(t, ev, vars, out);
      return;
    }
    if (k === 'Fn::If' && Array.isArray(a) && a.length === 3 && t.Conditions?.[String(a[0])] !== undefined) {
      references(t, ev, ev.condition(String(a[0])) ? a[1] : a[2], out);
      return;
    }
  }
  for (const [, v] of entries) references(t, ev, v, out);
}

/** A resource in the order the engine works: its type, dependencies, and template attributes. */
export interface PlannedResource {
  logicalId: string;
  type: string;
  dependsOn: string[];
  deletionPolicy?: string;
}

/**
 * The resources whose Condition holds, in dependency order (explicit DependsOn and implicit Ref /
 * Fn::GetAtt / Fn::Sub references; template order otherwise). References to unknown or excluded
 * resources and cycles fail with CloudFormation's messages.
 */
export function plan(t: Template, ctx: StackContext): PlannedResource[] {
  const ev = new Evaluator(t, ctx);
  const all = t.Resources as Record<string, any>;
  const included = Object.entries(all).filter(([, r]) => r.Condition === undefined || ev.condition(String(r.Condition)));
  const ids = new Set(included.map(([id]) => id));
  const nodes = included.map(([id, r]): PlannedResource => {
    const deps = new Set<string>();
    references(t, ev, r.Properties, deps);
    const explicit = r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn.map(String) : [String(r.DependsOn)];
    explicit.forEach((d: string) => deps.add(d));
    for (const d of deps) if (!ids.has(d)) throw unresolvedDependency(d, 'Resources');
    deps.delete(id);
    return { logicalId: id, type: String(r.Type), dependsOn: [...deps], ...(r.DeletionPolicy !== undefined && { deletionPolicy: String(r.DeletionPolicy) }) };
  });
  // Outputs may only name resources the stack will have (checked before anything is created).
  for (const o of Object.values((t.Outputs ?? {}) as Record<string, any>)) {
    if (!o || typeof o !== 'object' || (o.Condition !== undefined && !ev.condition(String(o.Condition)))) continue;
    const refs = new Set<string>();
    references(t, ev, [o.Value, o.Export], refs);
    for (const d of refs) if (!ids.has(d)) throw unresolvedDependency(d, 'Outputs');
  }
  // Kahn's algorithm, picking the earliest ready resource in template order.
  const out: PlannedResource[] = [];
  const done = new Set<string>();
  const left = [...nodes];
  while (left.length) {
    const i = left.findIndex((n) => n.dependsOn.every((d) => done.has(d)));
    if (i < 0) throw new TemplateError(`Circular dependency between resources: [${inCycles(left).join(', ')}]`);
    const [n] = left.splice(i, 1);
    done.add(n.logicalId);
    out.push(n);
  }
  return out;
}

/** The resources among `left` that reach themselves through their dependencies (the cycles' members). */
function inCycles(left: PlannedResource[]): string[] {
  const byId = new Map(left.map((n) => [n.logicalId, n]));
  const reaches = (from: string, target: string, seen = new Set<string>()): boolean =>
    (byId.get(from)?.dependsOn ?? []).some((d) => d === target || (!seen.has(d) && (seen.add(d), reaches(d, target, seen))));
  return left.map((n) => n.logicalId).filter((id) => reaches(id, id));
}

/** A resource's Properties, evaluated now (Ref and Fn::GetAtt of provisioned resources read their state). */
export function resourceProperties(t: Template, ctx: StackContext, logicalId: string): Record<string, unknown> {
  const v = new Evaluator(t, ctx).value((t.Resources as Record<string, any>)[logicalId].Properties ?? {});
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
