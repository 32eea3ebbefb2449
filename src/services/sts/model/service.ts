// The STS service model, embedded as data: operations, shapes, constraints and error codes come from it.
import model from './sts-2011-06-15.json' with { type: 'json' };
import type { ServiceModel } from '../../../model/serviceModel.js';
import { validatorFor } from '../../../model/validate.js';

export const serviceModel = model as unknown as ServiceModel & { metadata: { xmlNamespace: string } };

export const { validateInput } = validatorFor(serviceModel);
