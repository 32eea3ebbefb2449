// What the model types promise, checked by the compiler: `npx tsc -p tsconfig.check.json` fails if a
// line marked @ts-expect-error compiles (so a missing operation or a misspelled error name would go
// unnoticed). The runtime tests below check the same table and factory at run time.
import { describe, expect, it } from 'vitest';
import { AwsError, err } from '../protocol/errors.js';
import { cpError } from '../services/codepipeline/errors.js';
import { OPERATION_NAMES } from '../services/codepipeline/model/service.js';
import type { Output, Valid, ValidatedInput } from '../services/codepipeline/model/types.js';
import type { Handlers } from '../services/codepipeline/handler.js';
import { operationHandlers } from '../services/codepipeline/operations/index.js';
import type { HandlerTable, InputOf, OutputOf, ShapeType } from './types.js';

// The handler table: every operation, no other, each with its own types.
const { CreatePipeline, ...withoutCreatePipeline } = operationHandlers;
// @ts-expect-error CreatePipeline is missing
export const missing: Handlers = withoutCreatePipeline;
// @ts-expect-error CreatePipelines is no operation of the model
export const extra: Handlers = { ...operationHandlers, CreatePipelines: CreatePipeline };
// @ts-expect-error a misspelled operation (and CreatePipeline missing)
export const misspelled: Handlers = { ...withoutCreatePipeline, CreatePipelin: CreatePipeline };
// @ts-expect-error GetPipeline answers GetPipelineOutput, whose pipeline is a declaration
export const wrongOutput: Handlers = { ...operationHandlers, GetPipeline: () => ({ pipeline: 'p' }) };

// Validated input: the model's required members are present, at every depth; the others optional.
export function validatedInput(input: ValidatedInput<'CreatePipeline'>, put: ValidatedInput<'PutWebhook'>, out: Output<'DeletePipeline'>) {
  const provider: string = input.pipeline.stages[0].actions[0].actionTypeId.provider;
  const filterPath: string = put.webhook.filters[0].jsonPath;
  const secret: Valid<'WebhookAuthConfiguration'> = put.webhook.authenticationConfiguration;
  // @ts-expect-error tags are optional
  const tagKey: string = input.tags[0].key;
  // @ts-expect-error an action's region is optional
  const region: string = input.pipeline.stages[0].actions[0].region;
  // @ts-expect-error DeletePipeline has no output
  const nothing: { pipeline: unknown } = out;
  return [provider, filterPath, secret, tagKey, region, nothing];
}

// Error names: CodePipeline's modelled ones and the common JSON ones; the protocol's own factory knows only the common ones.
export function errorNames() {
  cpError('ThrottlingException', 'common to every JSON service');
  // @ts-expect-error misspelled
  cpError('PipelineNotFoundExeption', 'no such error');
  // @ts-expect-error not an error of CodePipeline's model
  cpError('StackNotFoundException', 'CloudFormation');
  // @ts-expect-error a service's error is not the protocol's to make
  err('PipelineNotFoundException', 'x');
}

// A service without an installed SDK: its types come from the model table alone.
interface TinyModel {
  operations: {
    PutThing: { input: 'PutThingRequest'; output: 'PutThingResult'; errors: 'ThingExists' };
    Ping: { input: never; output: never; errors: never };
  };
  errors: 'ThingExists';
  shapes: {
    PutThingRequest: { type: 'structure'; required: 'Name' | 'Tags'; members: { Name: 'Name'; Size: 'Size'; Tags: 'Tags'; Kind: 'Kind' } };
    PutThingResult: { type: 'structure'; required: 'Arn'; members: { Arn: 'Name'; Created: 'When' } };
    Tags: { type: 'map'; key: 'Name'; value: 'Name' };
    Name: { type: 'string' };
    Size: { type: 'long' };
    Kind: { type: 'string'; enum: 'small' | 'large' };
    When: { type: 'timestamp' };
  };
  sdk: {};
}
export const putThing: InputOf<TinyModel, 'PutThing'> = { Name: 'n', Tags: { a: 'b' }, Kind: 'small' };
// @ts-expect-error Tags is required
export const noTags: InputOf<TinyModel, 'PutThing'> = { Name: 'n' };
// @ts-expect-error not a value of the enum
export const badKind: ShapeType<TinyModel, 'Kind'> = 'medium';
// @ts-expect-error the output's Arn is required
export const noArn: OutputOf<TinyModel, 'PutThing'> = { Created: new Date(0) };
export const tinyHandlers: HandlerTable<TinyModel, null> = {
  PutThing: (_ctx, input) => ({ Arn: `arn:${input.Name}:${input.Size ?? 0}` }),
  Ping: () => {},
};

describe('model types at run time', () => {
  it('the handler table lists exactly the operations of the model', () => {
    expect(Object.keys(operationHandlers).sort()).toEqual([...OPERATION_NAMES].sort());
  });

  it('cpError makes the AWS error it names', () => {
    const e = cpError('PipelineNotFoundException', 'gone');
    expect(e).toBeInstanceOf(AwsError);
    expect([e.type, e.message, e.status]).toEqual(['PipelineNotFoundException', 'gone', 400]);
  });
});
