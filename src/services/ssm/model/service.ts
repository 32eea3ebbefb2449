// SSM's AWS service model, embedded as data: operations, shapes and constraints come from it.
import model from './ssm-2014-11-06.json' with { type: 'json' };
import type { ServiceModel } from '../../../model/serviceModel.js';
import { validatorFor } from '../../../model/validate.js';
import { AwsError } from '../../../protocol/errors.js';

export const serviceModel = model as unknown as ServiceModel & { metadata: { targetPrefix: string } };

export const TARGET_PREFIX = serviceModel.metadata.targetPrefix;

const validator = validatorFor(serviceModel);

/**
 * SSM's input validator (see src/model/validate.ts). SSM's wire names are capitalised (Name, Type) but
 * its validation messages name members in lower camel case (at 'type', at 'parameterFilters.1.member.key').
 */
export function validateInput(operation: string, body: unknown): unknown {
  try {
    return validator.validateInput(operation, body);
  } catch (e) {
    if (!(e instanceof AwsError) || e.type !== 'ValidationException') throw e;
    const message = e.message.replace(/ at '([^']+)' failed/g, (_m, path: string) => ` at '${path.split('.').map((s) => s.charAt(0).toLowerCase() + s.slice(1)).join('.')}' failed`);
    throw new AwsError(e.type, message, e.status);
  }
}
