// Generates a service's type table from its AWS model: operation names, each operation's input,
// output and error shapes, every shape's skeleton (kind, members, required members, enum values)
// and, where the service has an installed SDK client, the SDK's type for each structure shape.
// src/model/types.ts turns that table into validated input types, outputs and error-name unions.
//
//   npx tsx src/model/typeGen.ts     rewrites every file listed in SERVICES
//
// The output is committed; src/model/typeGen.test.ts fails when a file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ServiceModel, Shape } from './serviceModel.js';

export interface ServiceTypesSpec {
  /** The model JSON, relative to the repository root. */
  model: string;
  /** The generated .ts file, relative to the repository root. */
  out: string;
  /** The SDK client package whose Input/Output/structure types refine the model's (when installed). */
  sdk?: string;
}

/** A new service: one line here, then `npx tsx src/model/typeGen.ts`. */
export const SERVICES: ServiceTypesSpec[] = [
  {
    model: 'src/services/codepipeline/model/codepipeline-2015-07-09.json',
    out: 'src/services/codepipeline/model/types.generated.ts',
    sdk: '@aws-sdk/client-codepipeline',
  },
  {
    model: 'src/services/sts/model/sts-2011-06-15.json',
    out: 'src/services/sts/model/types.generated.ts',
    sdk: '@aws-sdk/client-sts',
  },
  {
    model: 'src/services/cloudformation/model/cloudformation-2010-05-15.json',
    out: 'src/services/cloudformation/model/types.generated.ts',
    sdk: '@aws-sdk/client-cloudformation',
  },
  {
    model: 'src/services/codebuild/model/codebuild-2016-10-06.json',
    out: 'src/services/codebuild/model/types.generated.ts',
    sdk: '@aws-sdk/client-codebuild',
  },
  {
    model: 'src/services/ssm/model/ssm-2014-11-06.json',
    out: 'src/services/ssm/model/types.generated.ts',
    sdk: '@aws-sdk/client-ssm',
  },
  // No SDK client for Secrets Manager is installed: its types come from the model alone.
  {
    model: 'src/services/secretsmanager/model/secretsmanager-2017-10-17.json',
    out: 'src/services/secretsmanager/model/types.generated.ts',
  },
];

const str = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const union = (names: Iterable<string>) => {
  const list = [...new Set(names)];
  return list.length ? list.map(str).join(' | ') : 'never';
};
/** A member name as a property key: quoted unless it is a plain identifier. */
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : str(name));

/** The name an error travels under: the shape's name (JSON protocols) or its query error code. */
const errorName = (model: ServiceModel, shapeName: string) =>
  model.metadata.protocol === 'query' || model.metadata.protocol === 'ec2' ? (model.shapes[shapeName]?.error?.code ?? shapeName) : shapeName;

function skeleton(s: Shape): string {
  switch (s.type) {
    case 'structure': {
      const members = Object.entries(s.members ?? {}).map(([m, ref]) => `${key(m)}: ${str(ref.shape)}`);
      return `{ type: 'structure'; required: ${union(s.required ?? [])}; members: { ${members.join('; ')}${members.length ? ' ' : ''}} }`;
    }
    case 'list':
      return `{ type: 'list'; member: ${str(s.member!.shape)} }`;
    case 'map':
      return `{ type: 'map'; key: ${str(s.key!.shape)}; value: ${str(s.value!.shape)} }`;
    case 'string':
      return s.enum ? `{ type: 'string'; enum: ${union(s.enum)} }` : `{ type: 'string' }`;
    default:
      return `{ type: ${str(s.type)} }`;
  }
}

/** The generated module's source for `model` (named `modelFile` in its header). */
export function generateTypes(model: ServiceModel, modelFile: string, sdk?: string): string {
  const shapes = Object.entries(model.shapes);
  const exceptions = shapes.filter(([, s]) => s.exception).map(([n]) => errorName(model, n));
  const lines = [
    `// Generated from ${modelFile} by \`npx tsx src/model/typeGen.ts\`: do not edit.`,
    '// src/model/types.ts reads this table (Valid, InputOf, OutputOf, HandlerTable, error names).',
    ...(sdk ? [`import type * as sdk from '${sdk}';`] : []),
    '',
    'export interface Model {',
    '  operations: {',
    ...Object.entries(model.operations).map(
      ([name, op]) =>
        `    ${key(name)}: { input: ${op.input ? str(op.input.shape) : 'never'}; output: ${op.output ? str(op.output.shape) : 'never'}; errors: ${union(
          (op.errors ?? []).map((e) => errorName(model, e.shape)),
        )} };`,
    ),
    '  };',
    `  errors: ${union(exceptions)};`,
    '  shapes: {',
    ...shapes.map(([name, s]) => `    ${key(name)}: ${skeleton(s)};`),
    '  };',
    '  sdk: {',
    // The SDK names its structure types after the model's shapes (exceptions are classes: left out).
    ...(sdk ? shapes.filter(([, s]) => s.type === 'structure' && !s.exception).map(([name]) => `    ${key(name)}: sdk.${name};`) : []),
    '  };',
    '}',
    '',
    "export type OperationName = keyof Model['operations'];",
    "export type ServiceErrorName = Model['errors'];",
    '',
  ];
  return lines.join('\n');
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The generated source for one listed service, from the model file in the repository. */
export function generateFor(spec: ServiceTypesSpec): string {
  const model = JSON.parse(readFileSync(root + spec.model, 'utf8')) as ServiceModel;
  return generateTypes(model, spec.model.split('/').pop()!, spec.sdk);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const spec of SERVICES) {
    writeFileSync(root + spec.out, generateFor(spec));
    console.log(`wrote ${spec.out}`);
  }
}
