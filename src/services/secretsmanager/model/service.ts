// Secrets Manager's AWS service model, embedded as data: operations, shapes and constraints come from it.
import model from './secretsmanager-2017-10-17.json' with { type: 'json' };
import type { ServiceModel } from '../../../model/serviceModel.js';
import { validatorFor } from '../../../model/validate.js';

export const serviceModel = model as unknown as ServiceModel & { metadata: { targetPrefix: string } };

export const TARGET_PREFIX = serviceModel.metadata.targetPrefix;

/** Secrets Manager's input validator (see src/model/validate.ts): AWS's ValidationException wording. */
export const { validateInput } = validatorFor(serviceModel);
