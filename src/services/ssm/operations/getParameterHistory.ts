// GetParameterHistory: every kept version, oldest first, with its labels (SecureString values only
// WithDecryption), 50 a page.
import { ciphertextOf, DEFAULT_KEY_ID } from '../../../parameters/store.js';
import { decodeTokenOr, encodeToken } from '../../../util/pagination.js';
import { invalidNextToken, parameterNotFound } from '../errors.js';
import type { Handler } from '../handler.js';

const DEFAULT_MAX = 50;

export const getParameterHistory: Handler<'GetParameterHistory'> = (ctx, input) => {
  const versions = ctx.store.parameters.history(ctx, input.Name);
  if (!versions.length) throw parameterNotFound();
  const after = decodeTokenOr(input.NextToken, (c): c is number => Number.isInteger(c) && (c as number) >= 0, invalidNextToken) ?? 0;
  const max = input.MaxResults ?? DEFAULT_MAX;
  const rest = versions.filter((v) => v.version > after);
  const page = rest.slice(0, max);
  return {
    Parameters: page.map((p) => ({
      Name: p.name,
      Type: p.type,
      ...(p.type === 'SecureString' && { KeyId: p.keyId ?? DEFAULT_KEY_ID }),
      LastModifiedDate: new Date(p.modified),
      LastModifiedUser: `arn:aws:iam::${ctx.account}:root`,
      ...(p.description !== undefined && { Description: p.description }),
      Value: p.type === 'SecureString' && !input.WithDecryption ? ciphertextOf(p) : p.value,
      ...(p.allowedPattern !== undefined && { AllowedPattern: p.allowedPattern }),
      Version: p.version,
      Labels: p.labels,
      Tier: p.tier as 'Standard',
      Policies: [],
      DataType: p.dataType,
    })),
    ...(rest.length > max && { NextToken: encodeToken(page[page.length - 1].version) }),
  };
};
