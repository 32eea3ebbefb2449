// The shape of a CodePipeline operation handler: its context in, its model-typed input and output.
// Apart from model/types.ts so that modules needing only shape types (the catalog, the store) do not
// import the context, and through it the engine.
import type { HandlerTable, OperationHandler } from '../../model/types.js';
import type { Ctx } from './context.js';
import type { Model, OperationName } from './model/types.generated.js';

/** The handler of one operation. */
export type Handler<Op extends OperationName> = OperationHandler<Model, Ctx, Op>;
/** Every operation's handler. */
export type Handlers = HandlerTable<Model, Ctx>;
