// CloudFormation's errors: the model's error codes (with the model's HTTP status), and ValidationError,
// the code CloudFormation answers for most bad requests (missing stacks included).
import { AwsError } from '../../protocol/errors.js';
import { serviceModel } from './model/service.js';
import type { ServiceErrorName } from './model/types.js';

const statusOf = new Map(Object.values(serviceModel.shapes).flatMap((s) => (s.error?.code ? [[s.error.code, s.error.httpStatusCode ?? 400] as const] : [])));

export const cfnError = (code: ServiceErrorName | 'ValidationError', message: string) => new AwsError(code, message, statusOf.get(code) ?? 400);

export const validationError = (message: string) => cfnError('ValidationError', message);

/** DescribeStacks and most reads: "Stack with id X does not exist". */
export const stackNotFound = (nameOrId: string) => validationError(`Stack with id ${nameOrId} does not exist`);

export const changeSetNotFound = (name: string) => cfnError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`);
