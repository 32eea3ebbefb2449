// CloudFormation templates, simulated: parsed from JSON or YAML (with the short-form intrinsic
// function tags such as !Ref and !Sub), parameters resolved as CloudFormation does, and output values
// rendered by a small evaluator. Nothing is created: a resource's physical id is simulated as
// "<stack>-<LogicalId>-<12 characters>" (or its name property, e.g. BucketName, when the template sets
// one), Fn::GetAtt answers an ARN for "Arn" attributes and "<physical id>.<attribute>" otherwise.
import { createHash } from 'node:crypto';
import type { YAMLMap, YAMLSeq } from 'yaml';
import { lazyRequire } from '../util/lazyRequire.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

export class TemplateError extends Error {}

export type Template = Record<string, any>;

const SHORT_FORMS = [
  'Ref', 'Condition', 'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub',
  'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'Length', 'ToJsonString',
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

/** Parses a template body: JSON when it looks like JSON, else YAML. Messages follow CloudFormation's. */
export function parseTemplate(body: string): Template {
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
  if (!t.Resources || typeof t.Resources !== 'object' || Array.isArray(t.Resources) || Object.keys(t.Resources).length === 0)
    throw new TemplateError('Template format error: At least one Resources member must be defined.');
  for (const [id, r] of Object.entries(t.Resources as Record<string, any>))
    if (!r || typeof r !== 'object' || typeof r.Type !== 'string')
      throw new TemplateError(`Template format error: [/Resources/${id}] Every Resources object must contain a Type member.`);
  return t;
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

/** Resolves parameter values: given values over defaults; CloudFormation's messages for unknown and missing ones. */
export function resolveParameters(t: Template, given: Record<string, string>): Record<string, string> {
  const declared = (t.Parameters ?? {}) as Record<string, any>;
  const unknown = Object.keys(given).filter((k) => !(k in declared));
  if (unknown.length) throw new TemplateError(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, p] of Object.entries(declared)) {
    const v = given[name] ?? (p?.Default !== undefined ? (Array.isArray(p.Default) ? p.Default.join(',') : String(p.Default)) : undefined);
    if (v === undefined) missing.push(name);
    else {
      if (Array.isArray(p?.AllowedValues) && !p.AllowedValues.map(String).includes(v))
        throw new TemplateError(`Parameter '${name}' must be one of AllowedValues`);
      out[name] = v;
    }
  }
  if (missing.length) throw new TemplateError(`Parameters: [${missing.join(', ')}] must have values`);
  return out;
}

export interface StackContext {
  stackName: string;
  stackId: string;
  account: string;
  region: string;
  parameters: Record<string, string>;
  /** Exports of other stacks, for Fn::ImportValue. */
  exports: Record<string, string>;
}

const hash12 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12).toUpperCase();

const NO_VALUE = Symbol('AWS::NoValue');

class Evaluator {
  private readonly conditions = new Map<string, boolean>();

  constructor(
    private readonly t: Template,
    private readonly ctx: StackContext,
  ) {}

  physicalId(logicalId: string): string {
    const r = (this.t.Resources as Record<string, any>)[logicalId];
    const short = String(r.Type).split('::').pop()!;
    const named = r.Properties?.[`${short}Name`];
    if (named !== undefined) {
      const v = this.value(named);
      if (typeof v === 'string') return v;
    }
    return `${this.ctx.stackName}-${logicalId}-${hash12(`${this.ctx.stackId}/${logicalId}`)}`.slice(0, 128);
  }

  private attribute(logicalId: string, attr: string): string {
    if (!(logicalId in (this.t.Resources as object))) throw new TemplateError(`Template error: instance of Fn::GetAtt references undefined resource ${logicalId}`);
    const type = String((this.t.Resources as Record<string, any>)[logicalId].Type);
    const service = type.split('::')[1]?.toLowerCase() ?? 'unknown';
    const id = this.physicalId(logicalId);
    if (attr === 'Arn') return `arn:aws:${service}:${this.ctx.region}:${this.ctx.account}:${id}`;
    return `${id}.${attr}`;
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
      return type.startsWith('List<') || type === 'CommaDelimitedList' ? v.split(',') : v;
    }
    if (name in (this.t.Resources as object)) return this.physicalId(name);
    throw new TemplateError(`Template format error: Unresolved resource dependencies [${name}] in the Outputs block of the template`);
  }

  condition(name: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    const def = this.t.Conditions?.[name];
    if (def === undefined) throw new TemplateError(`Template format error: Unresolved condition dependencies [${name}]`);
    this.conditions.set(name, false);
    const v = Boolean(this.value(def));
    this.conditions.set(name, v);
    return v;
  }

  private sub(template: string, vars: Record<string, unknown>): string {
    return template.replace(/\$\{(!?)([^}]*)\}/g, (all, bang: string, name: string) => {
      if (bang) return `\${${name}}`;
      const key = name.trim();
      if (key in vars) return String(this.value(vars[key]));
      const dot = key.indexOf('.');
      if (dot > 0 && !key.startsWith('AWS::') && key.slice(0, dot) in (this.t.Resources as object)) return this.attribute(key.slice(0, dot), key.slice(dot + 1));
      const v = this.ref(key);
      return Array.isArray(v) ? v.join(',') : String(v);
    });
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
          const list = this.value(a[1]);
          return (Array.isArray(list) ? list : [list]).map((x) => String(x)).join(String(a[0]));
        }
        case 'Fn::Select': {
          const list = this.value(a[1]);
          const i = Number(this.value(a[0]));
          if (!Array.isArray(list) || !(i >= 0 && i < list.length)) throw new TemplateError('Template error: Fn::Select cannot select nonexistent value at index ' + i);
          return list[i];
        }
        case 'Fn::Split':
          return String(this.value(a[1])).split(String(a[0]));
        case 'Fn::If':
          return this.condition(String(a[0])) ? this.value(a[1]) : this.value(a[2]);
        case 'Fn::Equals':
          return JSON.stringify(this.value(a[0])) === JSON.stringify(this.value(a[1])) || String(this.value(a[0])) === String(this.value(a[1]));
        case 'Fn::Not':
          return !this.value(a[0]);
        case 'Fn::And':
          return (a as unknown[]).every((x) => Boolean(this.value(x)));
        case 'Fn::Or':
          return (a as unknown[]).some((x) => Boolean(this.value(x)));
        case 'Fn::FindInMap': {
          const [m, k1, k2] = (a as unknown[]).map((x) => String(this.value(x)));
          const v = this.t.Mappings?.[m]?.[k1]?.[k2];
          if (v === undefined) throw new TemplateError(`Template error: Unable to get mapping for ${m}::${k1}::${k2}`);
          return v;
        }
        case 'Fn::Base64':
          return Buffer.from(String(this.value(a))).toString('base64');
        case 'Fn::GetAZs': {
          const region = String(this.value(a) || this.ctx.region);
          return ['a', 'b', 'c'].map((z) => `${region}${z}`);
        }
        case 'Fn::ImportValue': {
          const name = String(this.value(a));
          const v = this.ctx.exports[name];
          if (v === undefined) throw new TemplateError(`No export named ${name} found`);
          return v;
        }
        case 'Fn::Length': {
          const v = this.value(a);
          return Array.isArray(v) ? v.length : 0;
        }
        case 'Fn::ToJsonString':
          return JSON.stringify(this.value(a));
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
  const ev = new Evaluator(t, ctx);
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

/** The resources a stack holds once the template is applied (those whose Condition holds), with simulated physical ids. */
export function stackResources(t: Template, ctx: StackContext): { logicalId: string; type: string; physicalId: string }[] {
  const ev = new Evaluator(t, ctx);
  return Object.entries(t.Resources as Record<string, any>)
    .filter(([, r]) => r.Condition === undefined || ev.condition(String(r.Condition)))
    .map(([id, r]) => ({ logicalId: id, type: String(r.Type), physicalId: ev.physicalId(id) }));
}
