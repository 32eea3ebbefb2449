// CloudFormation's operation types, from its model (types.generated.ts) and the SDK's own types.
import type { HandlerTable, OperationHandler, Valid as ValidShape } from '../../../model/types.js';
import type { Ctx } from '../context.js';
import type { Model, OperationName, ServiceErrorName } from './types.generated.js';

export type { OperationName, ServiceErrorName };
export type Valid<N extends keyof Model['shapes']> = ValidShape<Model, N>;
export type Handler<Op extends OperationName> = OperationHandler<Model, Ctx, Op>;
/** The operations served (the model's others answer NotImplemented). */
export type Handlers = Partial<HandlerTable<Model, Ctx>>;
