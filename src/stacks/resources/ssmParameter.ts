// AWS::SSM::Parameter: a parameter of the local parameter store (src/parameters/), which CodeBuild's
// PARAMETER_STORE variables, the SSM API and SSM parameter types of templates read. Ref is the name;
// Fn::GetAtt Type and Value. CloudFormation creates String and StringList parameters, not SecureString.
import { AwsError } from '../../protocol/errors.js';
import { checkNewName } from '../../services/ssm/parameterNames.js';
import type { Store } from '../../store/index.js';
import { ProvisionError, ReplacementRequired, type ProvisionContext, type Provisioned, type ResourceProvisioner } from '../provisioners.js';

const handlerError = (message: string, code = 'InvalidRequest') => new ProvisionError(`Resource handler returned message: "${message}" (HandlerErrorCode: ${code})`);

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : String(v));

/** The parameter's name: Name, else one CloudFormation generates. */
const nameOf = (ctx: ProvisionContext, props: Record<string, unknown>) => str(props.Name) ?? ctx.generatedName(2048);

function write(store: Store, ctx: ProvisionContext, name: string, props: Record<string, unknown>, overwrite: boolean): Provisioned {
  const type = str(props.Type);
  const value = str(props.Value);
  if (type === undefined) throw handlerError('Property validation failure: [The property Type is required]');
  if (value === undefined) throw handlerError('Property validation failure: [The property Value is required]');
  if (type === 'SecureString') throw handlerError('SecureString parameters are not supported by CloudFormation: create them with PutParameter');
  if (type !== 'String' && type !== 'StringList') throw handlerError(`Property validation failure: [Value for property Type must be one of String, StringList; got ${type}]`);
  try {
    checkNewName(name);
  } catch (e) {
    if (e instanceof AwsError) throw handlerError(e.message);
    throw e;
  }
  if (props.AllowedPattern !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${str(props.AllowedPattern)})$`);
    } catch {
      throw handlerError(`The allowed pattern ${str(props.AllowedPattern)} is not a valid regular expression.`);
    }
    if (!re.test(value)) throw handlerError(`Parameter value, cannot be validated against allowedPattern: ${str(props.AllowedPattern)}`);
  }
  const tags = props.Tags && typeof props.Tags === 'object' ? Object.entries(props.Tags as Record<string, unknown>).map(([Key, v]) => ({ Key, Value: String(v) })) : undefined;
  store.tx(() => {
    if (!overwrite && store.parameters.get(ctx.scope, name)) throw handlerError(`${name} already exists in stack ${ctx.stackId}`, 'AlreadyExists');
    store.parameters.put(ctx.scope, {
      name,
      type,
      value,
      modified: ctx.now,
      tier: str(props.Tier) === 'Advanced' ? 'Advanced' : 'Standard',
      dataType: str(props.DataType) ?? 'text',
      ...(props.Description !== undefined && { description: str(props.Description) }),
      ...(props.AllowedPattern !== undefined && { allowedPattern: str(props.AllowedPattern) }),
      ...(tags && { tags }),
    });
  });
  return { physicalId: name, attributes: { Type: type, Value: value } };
}

export function ssmParameterProvisioner(store: Store): ResourceProvisioner {
  return {
    async create(ctx, props) {
      return write(store, ctx, nameOf(ctx, props), props, false);
    },
    async update(ctx, physicalId, props, previous) {
      // A new Name (or a Name given or removed) is a new parameter; the old one is deleted after.
      if (str(props.Name) !== str(previous.Name)) throw new ReplacementRequired('Name changed');
      return write(store, ctx, physicalId, props, true);
    },
    async delete(ctx, physicalId) {
      store.parameters.delete(ctx.scope, physicalId);
    },
  };
}
