// Invoke/StepFunctions, simulated: an execution of the state machine is recorded (named after the
// action execution id, behind ExecutionNamePrefix when set) with its input (Literal Input, or the file
// Input names in the input artifact for FilePath); it succeeds with its input as output (as a Pass
// state would), or fails when simulate.failDeployments names the action. Output variables are
// StateMachineArn and ExecutionArn; a declared output artifact receives output.json.
import { parseArn } from '../../util/arn.js';
import type { ActionResult } from '../../engine/engine.js';
import type { ActionStart } from '../../engine/provider.js';
import type { ActionLog } from '../../logs/actionLogs.js';
import { ActionFailure, InProcessProvider, failureSimulated, inputArtifact, parseJson, scopeOf, writeOutputArtifact, zipEntries } from './common.js';

export interface StateMachineExecutionDocument {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: 'SUCCEEDED' | 'FAILED';
  input: string;
  output?: string;
  error?: string;
  startDate: string;
  stopDate: string;
  pipeline: string;
  pipelineExecutionId: string;
  actionExecutionId: string;
}

const EXPRESS_NAME = /^[0-9A-Za-z_-]{1,80}$/;

export class StepFunctionsProvider extends InProcessProvider {
  protected async execute(start: ActionStart, log: ActionLog): Promise<ActionResult> {
    const c = start.resolvedConfiguration;
    const arn = parseArn(c.StateMachineArn);
    const machine = arn?.service === 'states' && /^stateMachine:[^:]+$/.test(arn.resource) ? arn.resource.slice('stateMachine:'.length) : undefined;
    if (!arn || !machine) throw new ActionFailure(`Invalid Arn: '${c.StateMachineArn}' is not a state machine ARN`, 'ConfigurationError');
    const name = c.ExecutionNamePrefix ? `${c.ExecutionNamePrefix}-${start.actionExecution.id}` : start.actionExecution.id;
    if (!EXPRESS_NAME.test(name)) throw new ActionFailure(`Invalid execution name '${name}': use 0-9, A-Z, a-z, - and _ (at most 80 characters)`, 'ConfigurationError');
    const inputType = c.InputType || 'Literal';
    let input: string;
    if (inputType === 'Literal') input = c.Input || '{}';
    else if (inputType === 'FilePath') {
      if (!c.Input) throw new ActionFailure('Input must name a file of the input artifact when InputType is FilePath', 'ConfigurationError');
      const artifact = start.inputArtifacts[0]?.name ?? '';
      const entries = await zipEntries(this.engine, await inputArtifact(this.engine, start), artifact);
      const data = entries.get(c.Input.replace(/^\.?\/+/, ''));
      if (!data) throw new ActionFailure(`The file '${c.Input}' does not exist in the input artifact '${artifact}'`);
      input = Buffer.from(data).toString('utf8');
    } else throw new ActionFailure(`InputType must be Literal or FilePath, not '${inputType}'`, 'ConfigurationError');
    log.note(`Starting a simulated execution of the state machine ${c.StateMachineArn} with ${inputType === 'FilePath' ? `the file '${c.Input}' of the input artifact` : 'the literal input'}: ${input}`);
    parseJson(input, 'The state machine input');
    const executionArn = `arn:${arn.partition}:states:${arn.region}:${arn.account}:execution:${machine}:${name}`;
    const failed = failureSimulated(this.engine, start);
    const now = new Date(this.engine.clock.now()).toISOString();
    const doc: StateMachineExecutionDocument = {
      executionArn,
      stateMachineArn: c.StateMachineArn,
      name,
      status: failed ? 'FAILED' : 'SUCCEEDED',
      input,
      ...(failed ? { error: 'Simulated failure (simulate.failDeployments names this action)' } : { output: input }),
      startDate: now,
      stopDate: now,
      pipeline: start.execution.pipeline,
      pipelineExecutionId: start.execution.id,
      actionExecutionId: start.actionExecution.id,
    };
    this.engine.store.tx(() => this.engine.store.simulated.put(scopeOf(start), 'stepfunctions-execution', executionArn, doc, this.engine.clock.now()));
    log.note(`Execution ${executionArn}: ${doc.status}${failed ? ` (${doc.error})` : `, output ${input} (simulated: the input passes through)`}`);
    if (failed)
      throw new ActionFailure(`Execution ${executionArn} failed (simulated failure: simulate.failDeployments names this action)`, 'JobFailed', {
        externalExecutionId: executionArn,
      });
    await writeOutputArtifact(this.engine, start, [{ path: 'output.json', data: Buffer.from(input) }], undefined, log);
    return {
      status: 'Succeeded',
      summary: `Simulated execution ${name} of the state machine ${machine} succeeded`,
      externalExecutionId: executionArn,
      outputVariables: { StateMachineArn: c.StateMachineArn, ExecutionArn: executionArn },
    };
  }
}
