// Parameter names as SSM checks them (PutParameter) and reads them (Get*: a name, a path, an ARN,
// each optionally followed by a :version or :label selector).
import type { Scope } from '../../store/scope.js';
import { ssmError } from './errors.js';

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** AWS's hierarchy limit: at most 15 levels. */
const MAX_LEVELS = 15;

const invalidName = () =>
  ssmError(
    'ValidationException',
    'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_',
  );

/** Checks a name PutParameter is given; throws the error AWS answers. */
export function checkNewName(name: string): void {
  if (name.includes('/') && !name.startsWith('/')) throw ssmError('ValidationException', 'Parameter name must be a fully qualified name.');
  const segments = name.startsWith('/') ? name.slice(1).split('/') : [name];
  if (segments.some((s) => !SEGMENT.test(s))) throw invalidName();
  if (/^(aws|ssm)/i.test(segments[0])) throw invalidName();
  if (segments.length > MAX_LEVELS)
    throw ssmError(
      'HierarchyLevelLimitExceededException',
      `A hierarchy can have a maximum of ${MAX_LEVELS} levels. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html`,
    );
}

export interface NameReference {
  /** The name to look up (an ARN's name part; a name-looking path of an ARN may be either spelling). */
  names: string[];
  version?: number;
  label?: string;
  /** The selector as given (":3"), shown back in the answer. */
  selector?: string;
}

/** A Get* name: `name`, `name:3`, `name:label`, or an ARN of this account and region with the same selectors. */
export function readReference(scope: Scope, raw: string): NameReference {
  let rest = raw;
  let names: string[];
  if (raw.startsWith('arn:')) {
    const m = /^arn:[^:]+:ssm:([^:]*):([^:]*):parameter(\/.*)$/.exec(raw);
    if (!m || m[1] !== scope.region || m[2] !== scope.account) return { names: [] };
    rest = m[3];
    const colon = rest.indexOf(':');
    const name = colon < 0 ? rest : rest.slice(0, colon);
    rest = colon < 0 ? '' : rest.slice(colon);
    // parameter/a/b is /a/b; parameter/a is a (or /a).
    names = name.indexOf('/', 1) > 0 ? [name] : [name.slice(1), name];
  } else {
    const colon = raw.indexOf(':');
    names = [colon < 0 ? raw : raw.slice(0, colon)];
    rest = colon < 0 ? '' : raw.slice(colon);
  }
  if (!rest) return { names };
  const selector = rest.slice(1);
  if (/^\d+$/.test(selector)) return { names, version: Number(selector), selector: rest };
  return { names, label: selector, selector: rest };
}

/** A label SSM accepts: at most 100 letters, digits, periods, hyphens or underscores, not starting with a digit, aws or ssm. */
export const validLabel = (label: string) => /^[A-Za-z0-9_.-]{1,100}$/.test(label) && !/^[0-9]/.test(label) && !/^(aws|ssm)/i.test(label);
