// The shape of an AWS service model (botocore's JSON layout), the same for every service: the
// validator and the type generator read any service's model through these types.
export interface ShapeRef {
  shape: string;
}
export interface Shape {
  type: 'structure' | 'string' | 'list' | 'map' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'blob' | 'double' | 'float';
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  exception?: boolean;
  /** Query-protocol services answer an error by this code rather than by the shape's name. */
  error?: { code?: string; httpStatusCode?: number };
}
export interface Operation {
  name: string;
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
}
export interface ServiceModel {
  metadata: { apiVersion: string; protocol: string; targetPrefix?: string; endpointPrefix: string };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

/** The named shape of `model`; an unknown name is a bug in the model or the caller, not bad input. */
export function shapeOf(model: ServiceModel, name: string): Shape {
  const s = Object.hasOwn(model.shapes, name) ? model.shapes[name] : undefined;
  if (!s) throw new Error(`unknown shape ${name}`);
  return s;
}
