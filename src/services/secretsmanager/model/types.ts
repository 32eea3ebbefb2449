// Secrets Manager's operation types, from its model alone (types.generated.ts: no SDK client is installed).
import type { InputOf, OutputOf, Valid as ValidShape } from '../../../model/types.js';
import type { Model, OperationName } from './types.generated.js';

export type { Model, OperationName };
export type Valid<N extends keyof Model['shapes']> = ValidShape<Model, N>;
export type ValidatedInput<Op extends OperationName> = InputOf<Model, Op>;
export type Output<Op extends OperationName> = OutputOf<Model, Op>;
