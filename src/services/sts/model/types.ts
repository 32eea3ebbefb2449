// STS's operation types, from its model (types.generated.ts) and the SDK's own types.
import type { HandlerTable, OperationHandler } from '../../../model/types.js';
import type { Ctx } from '../context.js';
import type { Model, OperationName } from './types.generated.js';

export type { OperationName };
export type Handler<Op extends OperationName> = OperationHandler<Model, Ctx, Op>;
/** The operations served (the others answer NotImplemented). */
export type Handlers = Partial<HandlerTable<Model, Ctx>>;
