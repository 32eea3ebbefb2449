// CodeBuild's AWS service model, embedded as data: operations, shapes and constraints come from it.
import model from './codebuild-2016-10-06.json' with { type: 'json' };
import type { ServiceModel } from '../../../model/serviceModel.js';
import { validatorFor } from '../../../model/validate.js';

export const serviceModel = model as unknown as ServiceModel & { metadata: { targetPrefix: string } };

export const TARGET_PREFIX = serviceModel.metadata.targetPrefix;

/** CodeBuild's input validator (see src/model/validate.ts): AWS's ValidationException wording. */
export const { validateInput, validateShape } = validatorFor(serviceModel);
