// The AWS service model, embedded as data: operations, shapes and constraints come from it.
import model from './codepipeline-2015-07-09.json' with { type: 'json' };

export interface ShapeRef { shape: string }
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
}
export interface Operation {
  name: string;
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
}

export const serviceModel = model as unknown as {
  metadata: { apiVersion: string; targetPrefix: string; endpointPrefix: string };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
};

export const TARGET_PREFIX = serviceModel.metadata.targetPrefix;
export const OPERATION_NAMES = Object.keys(serviceModel.operations);

export function shape(name: string): Shape {
  const s = serviceModel.shapes[name];
  if (!s) throw new Error(`unknown shape ${name}`);
  return s;
}
