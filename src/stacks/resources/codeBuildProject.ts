// AWS::CodeBuild::Project: a project of the CodeBuild API's store (src/builds/), which pipelines'
// CodeBuild actions and StartBuild run: Source (Type, BuildSpec inline or a path, Location...),
// SecondarySources, Artifacts and SecondaryArtifacts, Environment (Type, Image, ComputeType,
// EnvironmentVariables PLAINTEXT / PARAMETER_STORE / SECRETS_MANAGER), TimeoutInMinutes,
// ServiceRole... The template's properties become CreateProjectInput (checked against CodeBuild's
// model and rules). Ref is the name; Fn::GetAtt Arn.
import type { CreateProjectInput } from '@aws-sdk/client-codebuild';
import { newProject, ProjectInputError, type StoredProject } from '../../builds/projectDocument.js';
import { validateShape } from '../../services/codebuild/model/service.js';
import type { Store } from '../../store/index.js';
import { ProvisionError, ReplacementRequired, type ResourceProvisioner } from '../provisioners.js';

const handlerError = (message: string, code = 'InvalidRequest') => new ProvisionError(`Resource handler returned message: "${message}" (HandlerErrorCode: ${code})`);

/** Template property names whose API member is not simply the name in lower camel case. */
const RENAMED: Record<string, string> = { BuildSpec: 'buildspec', Visibility: 'projectVisibility' };
/** Properties with no API counterpart locally (webhook triggers are CodeBuild's own, not simulated). */
const DROPPED = new Set(['Triggers']);
const NUMBERS = new Set(['TimeoutInMinutes', 'QueuedTimeoutInMinutes', 'ConcurrentBuildLimit', 'GitCloneDepth', 'AutoRetryLimit']);
const BOOLEANS = new Set(['PrivilegedMode', 'BadgeEnabled', 'InsecureSsl', 'ReportBuildStatus', 'EncryptionDisabled', 'OverrideArtifactName', 'FetchSubmodules']);

/** A template value as the API's: keys in lower camel case, template strings for numbers and booleans converted. */
function toApi(value: unknown, key?: string): unknown {
  if (key && NUMBERS.has(key) && typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  if (key && BOOLEANS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  if (Array.isArray(value)) return value.map((v) => toApi(v));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (DROPPED.has(k)) continue;
    const name = RENAMED[k] ?? k.charAt(0).toLowerCase() + k.slice(1);
    out[name] = toApi(v, k);
  }
  return out;
}

/** The template's properties as CreateProjectInput, named `name`; errors as CloudFormation reports them. */
export function projectInput(name: string, props: Record<string, unknown>): CreateProjectInput {
  const { Name: _name, ...rest } = props;
  const input = { ...(toApi(rest) as Record<string, unknown>), name };
  const errors = validateShape('CreateProjectInput', input, '');
  if (errors.length) throw handlerError(`${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`);
  return input as unknown as CreateProjectInput;
}

export function codeBuildProjectProvisioner(store: Store): ResourceProvisioner {
  const checked = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ProjectInputError) throw handlerError(e.message);
      throw e;
    }
  };
  return {
    async create(ctx, props) {
      const name = props.Name === undefined ? ctx.generatedName(150) : String(props.Name);
      const project = checked(() => newProject(ctx.scope, projectInput(name, props), ctx.now));
      store.tx(() => {
        if (store.builds.project(ctx.scope, name)) throw handlerError(`Project already exists: ${name}`, 'AlreadyExists');
        store.builds.putProject(ctx.scope, name, project, project.created, project.lastModified);
      });
      ctx.note(`CodeBuild project ${name} created`);
      return { physicalId: name, attributes: { Arn: project.arn } };
    },
    async update(ctx, physicalId, props, previous) {
      if (String(props.Name ?? '') !== String(previous.Name ?? '')) throw new ReplacementRequired('Name changed');
      return store.tx(() => {
        const stored = store.builds.project<StoredProject>(ctx.scope, physicalId);
        if (!stored) throw handlerError(`Project cannot be found: ${physicalId}`, 'NotFound');
        // Every property is the template's now: what it no longer sets goes back to CodeBuild's default.
        const project = { ...checked(() => newProject(ctx.scope, projectInput(physicalId, props), ctx.now)), created: stored.created };
        store.builds.putProject(ctx.scope, physicalId, project, project.created, project.lastModified);
        return { physicalId, attributes: { Arn: project.arn } };
      });
    },
    async delete(ctx, physicalId) {
      store.builds.deleteProject(ctx.scope, physicalId);
    },
  };
}
