// The shape of an SSM operation handler: its context in, its model-typed input and output.
import type { HandlerTable, OperationHandler } from '../../model/types.js';
import type { Ctx } from './context.js';
import type { Model, OperationName } from './model/types.generated.js';

export type Handler<Op extends OperationName> = OperationHandler<Model, Ctx, Op>;
export type Handlers = HandlerTable<Model, Ctx>;
