// AWS::Lambda::Function with inline Code.ZipFile, for Node.js and Python runtimes: the code is written
// where CloudFormation would put it (index.js / index.py) under <dataDir>/lambda/<account>/<region>/
// <name>/, and the function becomes the local handler of Invoke/Lambda actions naming it (by name or
// ARN; the local configuration's lambda.functions still wins). Node.js code runs in process (CommonJS
// or ES module, found by its export syntax; the emulator's AWS SDK packages are resolvable from it);
// Python code runs as a command (python3) with the event on stdin, boto3 reaching the emulator through
// the endpoint variables the action sets. Other code (S3Bucket, ImageUri) or runtimes: the function is
// recorded, and the local configuration maps it. Environment.Variables reach the code (the AWS_ ones
// stay the emulator's, reserved as in Lambda). Ref is the name; GetAtt Arn.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { LocalConfig } from '../../localConfig.js';
import type { Store } from '../../store/index.js';
import { LAMBDA_FUNCTION_KIND, type StackFunctionDocument } from '../../providers/deploy/stackFunctions.js';
import { ProvisionError, ReplacementRequired, type ProvisionContext, type ResourceProvisioner } from '../provisioners.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The emulator's own node_modules (where @aws-sdk/* are), linked beside inline Node.js code. */
function emulatorNodeModules(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('@aws-sdk/client-codepipeline');
    const i = entry.lastIndexOf(`${path.sep}node_modules${path.sep}`);
    return i < 0 ? undefined : entry.slice(0, i + '/node_modules'.length);
  } catch {
    return undefined;
  }
}

/** Calls index.<export>(event, context) of a Python file with the event read from stdin, as the Lambda runtime would. */
const PYTHON_BOOTSTRAP = `import importlib.util, json, os, sys, time, types, uuid
here = os.path.dirname(os.path.abspath(__file__))
module_name, _, function_name = sys.argv[1].rpartition('.')
spec = importlib.util.spec_from_file_location(module_name, os.path.join(here, module_name + '.py'))
module = importlib.util.module_from_spec(spec)
sys.path.insert(0, here)
spec.loader.exec_module(module)
deadline = time.time() + 20 * 60
context = types.SimpleNamespace(
    function_name=os.environ.get('AWS_LAMBDA_FUNCTION_NAME'), function_version='$LATEST', memory_limit_in_mb='128',
    aws_request_id=str(uuid.uuid4()),
    get_remaining_time_in_millis=lambda: int(max(0, deadline - time.time()) * 1000))
event = json.loads(os.environ['CODEPIPELINE_JOB_EVENT'])
context.invoked_function_arn = 'arn:aws:lambda:%s:%s:function:%s' % (os.environ.get('AWS_REGION'), event['CodePipeline.job'].get('accountId', ''), context.function_name)
getattr(module, function_name)(event, context)
`;

export function lambdaFunctionProvisioner(store: Store, localConfig: LocalConfig): ResourceProvisioner {
  function install(ctx: ProvisionContext, name: string, props: Record<string, unknown>) {
    const runtime = String(props.Runtime ?? '');
    const handler = String(props.Handler ?? 'index.handler');
    const code = (props.Code ?? {}) as Record<string, unknown>;
    const arn = `arn:aws:lambda:${ctx.scope.region}:${ctx.scope.account}:function:${name}`;
    const dir = path.join(localConfig.dataDir, 'lambda', ctx.scope.account, ctx.scope.region, name);
    const [moduleName, exportName] = [handler.slice(0, handler.lastIndexOf('.')) || 'index', handler.slice(handler.lastIndexOf('.') + 1)];
    let local: StackFunctionDocument['local'] | undefined;
    if (typeof code.ZipFile === 'string' && runtime.startsWith('nodejs')) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      const esm = /^\s*export\s/m.test(code.ZipFile);
      const file = `${moduleName}.${esm ? 'mjs' : 'cjs'}`;
      fs.writeFileSync(path.join(dir, file), code.ZipFile);
      const modules = emulatorNodeModules();
      if (modules) fs.symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
      // The action calls a module's `handler`: this one forwards to the Handler the template names.
      const load = esm ? `import * as m from './${file}';` : `import m from './${file}';`;
      fs.writeFileSync(path.join(dir, 'lambda-handler.mjs'), `${load}\nexport const handler = m[${JSON.stringify(exportName)}] ?? m.default?.[${JSON.stringify(exportName)}];\n`);
      local = { handler: path.join(dir, 'lambda-handler.mjs') };
    } else if (typeof code.ZipFile === 'string' && runtime.startsWith('python')) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${moduleName}.py`), code.ZipFile);
      fs.writeFileSync(path.join(dir, 'lambda_bootstrap.py'), PYTHON_BOOTSTRAP);
      local = { command: `python3 ${quote(path.join(dir, 'lambda_bootstrap.py'))} ${quote(`${moduleName}.${exportName}`)}` };
    } else if (typeof code.ZipFile === 'string') throw new ProvisionError(`The runtime parameter of ${runtime || '(none)'} is not supported by the emulator for inline code (Node.js and Python are)`);
    const variables = ((props.Environment ?? {}) as { Variables?: Record<string, unknown> }).Variables;
    if (local && variables) local.environment = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)]));
    if (local) {
      const doc: StackFunctionDocument = { name, arn, runtime, handler, local };
      store.tx(() => store.simulated.put(ctx.scope, LAMBDA_FUNCTION_KIND, name, doc, ctx.now));
      ctx.note(`the function ${name} runs ${runtime} code from ${dir}`);
    } else ctx.note(`the function ${name} is recorded only: map it under lambda.functions in the local configuration to run it`);
    return { physicalId: name, attributes: { Arn: arn } };
  }
  return {
    async create(ctx, props) {
      return install(ctx, typeof props.FunctionName === 'string' ? props.FunctionName : ctx.generatedName(64), props);
    },
    async update(ctx, name, props, previous) {
      if (props.FunctionName !== previous.FunctionName) throw new ReplacementRequired();
      return install(ctx, name, props);
    },
    async delete(ctx, name) {
      store.tx(() => store.simulated.remove(ctx.scope, LAMBDA_FUNCTION_KIND, name));
      fs.rmSync(path.join(localConfig.dataDir, 'lambda', ctx.scope.account, ctx.scope.region, name), { recursive: true, force: true });
    },
  };
}
