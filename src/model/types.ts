// Types from a service's model, for any service: M is the `Model` table that src/model/typeGen.ts
// generates (operations with their input/output/error shapes, shape skeletons, SDK types).
//
// - Valid<M, 'Shape'>: a value of the shape after validation. With an SDK, the SDK's type with the
//   model's required members made non-optional, at every depth; without one, the model's own type.
// - InputOf / OutputOf / HandlerTable: what an operation handler takes and answers, and a table
//   that must list every operation of the model, each with its own types.

interface Skeleton {
  type: string;
}
/** What every generated table has (see typeGen.ts). */
export interface ModelTypes {
  operations: Record<string, { input: string; output: string; errors: string }>;
  errors: string;
  shapes: Record<string, Skeleton>;
  sdk: object;
}

/** Spells an intersection out as one object type (readable in editors, same meaning). */
type Flat<T> = T extends infer O ? { [K in keyof O]: O[K] } : never;

type ShapeOf<M extends ModelTypes, N> = N extends keyof M['shapes'] ? M['shapes'][N] : never;

/** The SDK's type T of shape N, with every member the model requires present (validation refused the input otherwise). */
type Refine<M extends ModelTypes, T, N> =
  ShapeOf<M, N> extends { type: 'structure'; members: infer Members; required: infer Required }
    ? Flat<
        { [K in keyof T & Required]-?: Refine<M, NonNullable<T[K]>, Members[K & keyof Members]> } & {
          [K in Exclude<keyof T, Required>]?: Refine<M, NonNullable<T[K]>, Members[K & keyof Members]>;
        }
      >
    : ShapeOf<M, N> extends { type: 'list'; member: infer Member }
      ? T extends readonly (infer Item)[]
        ? Refine<M, Item, Member>[]
        : T
      : ShapeOf<M, N> extends { type: 'map'; value: infer Value }
        ? T extends Record<string, infer Item>
          ? Record<string, Refine<M, Item, Value>>
          : T
        : T;

/** A value of shape N as the model alone describes it (services without an installed SDK). */
export type ShapeType<M extends ModelTypes, N> =
  ShapeOf<M, N> extends { type: 'structure'; members: infer Members; required: infer Required }
    ? Flat<
        { [K in keyof Members & Required]: ShapeType<M, Members[K]> } & { [K in Exclude<keyof Members, Required>]?: ShapeType<M, Members[K]> }
      >
    : ShapeOf<M, N> extends { type: 'list'; member: infer Member }
      ? ShapeType<M, Member>[]
      : ShapeOf<M, N> extends { type: 'map'; value: infer Value }
        ? Record<string, ShapeType<M, Value>>
        : ShapeOf<M, N> extends { type: 'string'; enum: infer Values }
          ? Values
          : ShapeOf<M, N> extends { type: 'string' | 'blob' }
            ? string
            : ShapeOf<M, N> extends { type: 'integer' | 'long' | 'double' | 'float' }
              ? number
              : ShapeOf<M, N> extends { type: 'boolean' }
                ? boolean
                : ShapeOf<M, N> extends { type: 'timestamp' }
                  ? Date
                  : unknown;

/** A value of shape N after validation: the SDK's type refined by the model, or the model's own. */
export type Valid<M extends ModelTypes, N extends keyof M['shapes']> = N extends keyof M['sdk'] ? Refine<M, M['sdk'][N], N> : ShapeType<M, N>;

export type OperationName<M extends ModelTypes> = keyof M['operations'] & string;

type InputShape<M extends ModelTypes, Op extends OperationName<M>> = M['operations'][Op]['input'];
type OutputShape<M extends ModelTypes, Op extends OperationName<M>> = M['operations'][Op]['output'];

/** The input a handler of `Op` receives: validated against the model. */
export type InputOf<M extends ModelTypes, Op extends OperationName<M>> = [InputShape<M, Op>] extends [never]
  ? Record<string, never>
  : Valid<M, InputShape<M, Op>>;

/** What a handler of `Op` answers: the SDK's output type (without $metadata), else the model's; nothing for an operation without output. */
export type OutputOf<M extends ModelTypes, Op extends OperationName<M>> = [OutputShape<M, Op>] extends [never]
  ? void | Record<string, never>
  : OutputShape<M, Op> extends keyof M['sdk']
    ? M['sdk'][OutputShape<M, Op>]
    : ShapeType<M, OutputShape<M, Op>>;

/** The errors the model lists for `Op`. */
export type OperationErrorName<M extends ModelTypes, Op extends OperationName<M>> = M['operations'][Op]['errors'];
/** Every error shape of the service. */
export type ServiceErrorName<M extends ModelTypes> = M['errors'];

export type OperationHandler<M extends ModelTypes, Ctx, Op extends OperationName<M>> = (
  ctx: Ctx,
  input: InputOf<M, Op>,
) => OutputOf<M, Op> | Promise<OutputOf<M, Op>>;

/** Every operation of the model with its handler: one missing, extra or misspelled does not compile. */
export type HandlerTable<M extends ModelTypes, Ctx> = { [Op in OperationName<M>]: OperationHandler<M, Ctx, Op> };
