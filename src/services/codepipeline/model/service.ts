// The AWS service model, embedded as data: operations, shapes and constraints come from it.
import model from './codepipeline-2015-07-09.json' with { type: 'json' };
import { shapeOf, type Shape, type ServiceModel } from '../../../model/serviceModel.js';
import { validatorFor } from '../../../model/validate.js';

export type { Operation, Shape, ShapeRef } from '../../../model/serviceModel.js';

export const serviceModel = model as unknown as ServiceModel & { metadata: { targetPrefix: string } };

export const TARGET_PREFIX = serviceModel.metadata.targetPrefix;
export const OPERATION_NAMES = Object.keys(serviceModel.operations);

export function shape(name: string): Shape {
  return shapeOf(serviceModel, name);
}

/** CodePipeline's input validator (see src/model/validate.ts). */
export const { validateInput, validateShape } = validatorFor(serviceModel);
