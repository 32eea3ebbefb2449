// A stored parameter as SSM's answers show it: Parameter (Get*) and ParameterMetadata (DescribeParameters).
import type { Parameter, ParameterMetadata } from '@aws-sdk/client-ssm';
import { ciphertextOf, DEFAULT_KEY_ID, parameterArn, type ParameterVersion } from '../../parameters/store.js';
import type { Scope } from '../../store/scope.js';

/** A SecureString's value only decrypted when asked (WithDecryption), as AWS does. */
export function parameterOf(scope: Scope, p: ParameterVersion, withDecryption: boolean, selector?: string): Parameter {
  return {
    Name: p.name,
    Type: p.type,
    Value: p.type === 'SecureString' && !withDecryption ? ciphertextOf(p) : p.value,
    Version: p.version,
    ...(selector && { Selector: selector }),
    LastModifiedDate: new Date(p.modified),
    ARN: parameterArn(scope, p.name),
    DataType: p.dataType,
  };
}

export function metadataOf(scope: Scope, p: ParameterVersion): ParameterMetadata {
  return {
    Name: p.name,
    ARN: parameterArn(scope, p.name),
    Type: p.type,
    ...(p.type === 'SecureString' && { KeyId: p.keyId ?? DEFAULT_KEY_ID }),
    LastModifiedDate: new Date(p.modified),
    LastModifiedUser: `arn:aws:iam::${scope.account}:root`,
    ...(p.description !== undefined && { Description: p.description }),
    ...(p.allowedPattern !== undefined && { AllowedPattern: p.allowedPattern }),
    Version: p.version,
    Tier: p.tier as ParameterMetadata['Tier'],
    Policies: [],
    DataType: p.dataType,
  };
}
