// Invoke/Lambda: the function named by FunctionName is a local handler chosen by the local
// configuration (lambda.functions[FunctionName]): a JS module whose `handler(event, context)` is
// called in process, or a command run with the event on stdin and in CODEPIPELINE_JOB_EVENT. As in
// AWS, the function receives the {"CodePipeline.job": ...} event and reports through the CodePipeline
// API (PutJobSuccessResult / PutJobFailureResult with the job id), with an SDK client that reaches
// the emulator through AWS_ENDPOINT_URL_CODEPIPELINE / AWS_ENDPOINT_URL (and CODEPIPELINE_LOCAL_ENDPOINT,
// context.endpoint); the credentials handed to it make the pipeline's account the caller. The host's
// own AWS settings (keys, profile, endpoints) are never handed on (awsEnvironment).
//
// A continuation token invokes the function again with the token. A function that returns without
// reporting leaves the action running until the reply timeout (AWS: 20 minutes without a reply, 24
// hours in all); a function that throws (or a command that exits non-zero) without reporting fails the
// action with its error. JS handlers run one at a time, because the environment they see is the
// emulator process's own; a command handler runs isolated, and is killed on timeout or abandon.
//
// The action's log (its externalExecutionUrl) holds each invocation, the handler's output (a command's
// stdout and stderr; what a JS handler writes with console.*), and the job results it reported.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import type { JobData } from '@aws-sdk/client-codepipeline';
import { shownPath, withoutLocalPaths } from '../../util/localPaths.js';
import type { Engine } from '../../engine/engine.js';
import type { ActionProvider, ActionStart } from '../../engine/provider.js';
import type { LambdaFunctionConfig } from '../../localConfig.js';
import type { ActionExecutionRow } from '../../store/executions.js';
import type { JobRow } from '../../store/jobs.js';
import { actionLog, actionLogUrl, type ActionLog } from '../../logs/actionLogs.js';
import { onActionFinished } from '../../logs/actionResults.js';
import { killTree, spawnGroup } from '../../util/processTree.js';
import { awsEnvironment, hostEnvironment, swapProcessEnv } from '../awsEnvironment.js';
import { jobDataFor } from '../jobWorker.js';
import { scopeOf } from './common.js';
import { stackFunction, withFunctionEnvironment } from './stackFunctions.js';

/** AWS: the action times out when the function has not replied within 20 minutes, and after 24 hours in all. */
export const LAMBDA_REPLY_TIMEOUT_MS = 20 * 60_000;
export const LAMBDA_ACTION_TIMEOUT_MS = 24 * 60 * 60_000;

const TIMER_KIND = 'lambda-reply';
const OUTPUT_CAP = 64 * 1024;

/** Finds the local handler of a FunctionName: by name, or by the name inside a function ARN or name:qualifier. */
export function resolveFunction(functions: Record<string, LambdaFunctionConfig>, functionName: string): LambdaFunctionConfig | undefined {
  // Own entries only: a name such as 'constructor' is not a property of every object.
  const own = (name: string) => (Object.hasOwn(functions, name) ? functions[name] : undefined);
  if (own(functionName)) return own(functionName);
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::.+)?$/.exec(functionName);
  const bare = arn ? arn[1] : functionName.split(':')[0];
  return own(bare);
}

const functionNameOf = (functionName: string) => /:function:([^:]+)/.exec(functionName)?.[1] ?? functionName.split(':')[0];

/** The log a JS handler's console output goes to, for the async context the handler runs in. */
const handlerConsole = new AsyncLocalStorage<ActionLog>();
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
let consoleTeed = false;

/**
 * Tees console.* once per process: inside a JS handler's async context the output is also appended
 * to the action's log, Lambda-style ("<ISO time>\t<LEVEL>\t<message>"); elsewhere
 * console behaves exactly as before.
 */
function teeConsole() {
  if (consoleTeed) return;
  consoleTeed = true;
  for (const method of CONSOLE_METHODS) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const log = handlerConsole.getStore();
      if (log) {
        const level = method === 'log' ? 'INFO' : method.toUpperCase();
        log.write(`${new Date().toISOString()}\t${level}\t${format(...args)}\n`);
      }
      original(...args);
    };
  }
}

interface Running {
  child?: ChildProcess;
  /** Ends the wait for an in-process handler (timeout, abandon). */
  release?: (reason: string) => void;
}

export class LambdaInvokeProvider implements ActionProvider {
  private readonly running = new Map<string, Running>();
  private jsLock: Promise<void> = Promise.resolve();

  private readonly unsubscribe: () => void;

  constructor(private readonly engine: Engine) {
    // Results arrive through the API (PutJobSuccessResult / PutJobFailureResult), timers or a stop.
    this.unsubscribe = onActionFinished(
      engine,
      (t) => t.owner === 'AWS' && t.category === 'Invoke' && t.provider === 'Lambda',
      (row) => this.logResult(row),
    );
  }

  private logResult(row: ActionExecutionRow) {
    const log = actionLog(this.engine, row.id);
    if (row.status === 'Succeeded') {
      const vars = row.output?.outputVariables;
      log.note(
        `Job result: Succeeded (PutJobSuccessResult)${row.summary ? `: ${row.summary}` : ''}${vars && Object.keys(vars).length ? `; output variables ${JSON.stringify(vars)}` : ''}`,
      );
    } else if (row.status === 'Abandoned') log.note(`The action was abandoned${row.summary ? `: ${row.summary}` : ''}`);
    else log.note(`Job result: Failed: ${row.errorDetails?.code ?? 'JobFailed'}: ${row.errorDetails?.message ?? row.summary ?? ''}`);
  }

  private fail(actionExecutionId: string, message: string, code = 'JobFailed') {
    this.engine.completeAction(actionExecutionId, {
      status: 'Failed',
      summary: message,
      errorDetails: { code, message },
      externalExecutionUrl: actionLogUrl(this.engine, actionExecutionId),
    });
  }

  /** The local configuration's handler for the function, else the one of a function a stack created in the action's account and region. */
  private functionOf(start: ActionStart): LambdaFunctionConfig | undefined {
    const name = start.resolvedConfiguration.FunctionName;
    return resolveFunction(this.engine.localConfig.lambda.functions, name) ?? stackFunction(this.engine.store.simulated, scopeOf(start), name);
  }

  begin(start: ActionStart) {
    const { actionExecution } = start;
    const name = start.resolvedConfiguration.FunctionName;
    if (!this.functionOf(start)) {
      const message =
        `The Lambda function '${name}' has no local handler: map it under lambda.functions in the codepipeline-local configuration ` +
        `(handler: a JS module exporting handler(event, context), or command: a shell command), or create it with inline code in a stack`;
      actionLog(this.engine, actionExecution.id).note(message);
      this.fail(actionExecution.id, message, 'ConfigurationError');
      return;
    }
    this.openJob(actionExecution, jobDataFor(this.engine, start), start.now);
    return { externalExecutionUrl: actionLogUrl(this.engine, actionExecution.id) };
  }

  /** Records an invocation's job (open for a result at once) and arms the reply timeout. */
  private openJob(row: ActionExecutionRow, data: JobData, now: number): JobRow {
    const exec = this.engine.store.executions.get(row.executionId)!;
    const job: JobRow = {
      id: randomUUID(),
      account: exec.account,
      region: exec.region,
      actionExecutionId: row.id,
      actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' },
      status: 'InProgress',
      data,
      created: now,
      updated: now,
    };
    this.engine.store.jobs.insert(job);
    this.engine.store.timers.cancel(row.id);
    this.engine.store.timers.add(Math.min(now + LAMBDA_REPLY_TIMEOUT_MS, row.started + LAMBDA_ACTION_TIMEOUT_MS), TIMER_KIND, row.id);
    return job;
  }

  private openJobOf(actionExecutionId: string): JobRow | undefined {
    return this.engine.store.jobs.forAction(actionExecutionId).find((j) => j.status === 'InProgress' && j.actionTypeId.owner === 'AWS');
  }

  private stillRunning(actionExecutionId: string) {
    return this.engine.store.executions.action(actionExecutionId)?.status === 'InProgress';
  }

  async run(start: ActionStart): Promise<void> {
    const id = start.actionExecution.id;
    const fn = this.functionOf(start);
    let job = this.openJobOf(id);
    if (!fn || !job || !this.stillRunning(id)) return;
    try {
      for (;;) {
        const error = await this.invoke(fn, job, start);
        if (!this.stillRunning(id)) return;
        if (error !== undefined) {
          const failed = job;
          this.engine.store.tx(() => {
            this.engine.store.jobs.setStatus(failed.id, 'Failed', this.engine.clock.now());
            this.fail(id, `The Lambda function ${start.resolvedConfiguration.FunctionName} failed without reporting a job result: ${error}`);
          });
          this.engine.flush();
          return;
        }
        // A continuation token queued the next job: the function is invoked again with it.
        const next = this.engine.store.jobs.forAction(id).find((j) => j.status === 'Queued');
        if (!next) return;
        actionLog(this.engine, id).note(`Job ${job.id} answered with a continuation token: invoking the function again`);
        job = this.engine.store.tx(() => {
          const now = this.engine.clock.now();
          const row = this.engine.store.executions.action(id)!;
          // AWS-owned, so never handed out by PollForJobs: this invocation takes it.
          this.engine.store.jobs.setStatus(next.id, 'InProgress', now);
          this.engine.store.timers.cancel(id);
          this.engine.store.timers.add(Math.min(now + LAMBDA_REPLY_TIMEOUT_MS, row.started + LAMBDA_ACTION_TIMEOUT_MS), TIMER_KIND, id);
          return { ...next, status: 'InProgress' as const };
        });
      }
    } finally {
      this.running.delete(id);
    }
  }

  /** The event AWS sends the function: the job id, the account and the job data a function sees. */
  private event(job: JobRow) {
    const { actionTypeId: _t, pipelineContext: _p, ...data } = job.data;
    return { 'CodePipeline.job': { id: job.id, accountId: job.account, data } };
  }

  /** What the function sees: the host's environment with its AWS settings pointing at the emulator (awsEnvironment). */
  private environment(job: JobRow, functionName: string): Record<string, string> {
    const endpoint = this.engine.baseUrl;
    return {
      // Signatures verified: a key the emulator issues for the pipeline's account.
      ...awsEnvironment(hostEnvironment(), { endpoint, account: job.account, region: job.region, key: this.engine.credentialsFor?.(job.account) }),
      AWS_ENDPOINT_URL_CODEPIPELINE: endpoint,
      CODEPIPELINE_LOCAL_ENDPOINT: endpoint,
      AWS_LAMBDA_FUNCTION_NAME: functionNameOf(functionName),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      CODEPIPELINE_JOB_ID: job.id,
    };
  }

  /** Invokes the function once; answers its error (a message) or undefined when it returned normally. */
  private async invoke(fn: LambdaFunctionConfig, job: JobRow, start: ActionStart): Promise<string | undefined> {
    const functionName = start.resolvedConfiguration.FunctionName;
    const event = this.event(job);
    const env = withFunctionEnvironment(this.environment(job, functionName), fn);
    const log = actionLog(this.engine, job.actionExecutionId);
    const handler = fn.handler ? `the JS module ${fn.handler}` : fn.command ? `the command: ${fn.command}` : 'no handler';
    log.note(`Invoking the function ${functionName} (local handler: ${handler}) with job ${job.id}`);
    let error: string | undefined;
    try {
      if (fn.handler) error = await this.invokeModule(fn.handler, event, env, job, functionName, log);
      else if (fn.command) error = await this.invokeCommand(fn.command, event, env, job.actionExecutionId, log);
      else error = 'the local configuration gives the function neither a handler nor a command';
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    log.note(error === undefined ? `The function returned` : `The function failed: ${error}`);
    // The answer (the action's summary) does not name the machine's folders; the log above keeps them.
    return error === undefined ? undefined : withoutLocalPaths(error, this.engine.localConfig.dataDir);
  }

  private async invokeModule(file: string, event: object, env: Record<string, string>, job: JobRow, functionName: string, log: ActionLog): Promise<string | undefined> {
    // One JS handler at a time: its environment variables are the process's own while it runs.
    const previous = this.jsLock;
    let unlock!: () => void;
    this.jsLock = new Promise<void>((r) => (unlock = r));
    await previous;
    const restore = swapProcessEnv(env);
    try {
      let stat: fs.Stats;
      try {
        stat = fs.statSync(file);
      } catch {
        return `Runtime.ImportModuleError: Cannot find the handler module ${shownPath(file, this.engine.localConfig.dataDir)}`;
      }
      // A changed file is imported afresh; an unchanged one stays warm, as a Lambda container does.
      const mod = (await import(`${pathToFileURL(file).href}?v=${stat.mtimeMs}`)) as Record<string, any>;
      const handler = [mod.handler, mod.default?.handler, mod.default].find((h) => typeof h === 'function') as
        | ((event: object, context: object, callback?: (err?: unknown, result?: unknown) => void) => unknown)
        | undefined;
      if (!handler) return `Runtime.HandlerNotFound: ${path.basename(file)}.handler is undefined or not exported`;
      const region = env.AWS_REGION;
      const name = env.AWS_LAMBDA_FUNCTION_NAME;
      const deadline = Date.now() + LAMBDA_REPLY_TIMEOUT_MS;
      const outcome = new Promise<void>((resolve, reject) => {
        const settle = (err?: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve());
        const context = {
          functionName: name,
          functionVersion: '$LATEST',
          invokedFunctionArn: `arn:aws:lambda:${region}:${job.account}:function:${name}`,
          memoryLimitInMB: '128',
          awsRequestId: randomUUID(),
          logGroupName: `/aws/lambda/${name}`,
          logStreamName: `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomBytes(16).toString('hex')}`,
          callbackWaitsForEmptyEventLoop: true,
          getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
          /** The emulator's address, for SDK clients: new CodePipelineClient({ endpoint: context.endpoint }). */
          endpoint: env.CODEPIPELINE_LOCAL_ENDPOINT,
          region,
          accountId: job.account,
          done: (err?: unknown) => settle(err),
          succeed: () => settle(),
          fail: (err: unknown) => settle(err ?? new Error('failed')),
        };
        this.running.set(job.actionExecutionId, { release: (reason) => reject(new Error(reason)) });
        let returned: unknown;
        try {
          teeConsole();
          returned = handlerConsole.run(log, () => (handler.length >= 3 ? handler(event, context, (err) => settle(err)) : handler(event, context)));
        } catch (e) {
          reject(e);
          return;
        }
        if (returned && typeof (returned as Promise<unknown>).then === 'function') (returned as Promise<unknown>).then(() => resolve(), reject);
        else if (handler.length < 3) resolve();
      });
      try {
        await outcome;
        return undefined;
      } catch (e) {
        const err = e as Error;
        return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
      }
    } finally {
      restore();
      unlock();
    }
  }

  private invokeCommand(command: string, event: object, env: Record<string, string>, actionExecutionId: string, log: ActionLog): Promise<string | undefined> {
    const source = this.engine.localConfig.source;
    const cwd = source ? path.dirname(path.resolve(source)) : process.cwd();
    const json = JSON.stringify(event);
    const childEnv: NodeJS.ProcessEnv = { ...env, CODEPIPELINE_JOB_EVENT: json };
    return new Promise((resolve) => {
      const child = spawnGroup('sh', ['-c', command], { cwd, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
      this.running.set(actionExecutionId, { child });
      let stderr = '';
      // Decoded as UTF-8 across chunk boundaries; both streams go to the action's log as they come.
      child.stderr!.setEncoding('utf8');
      child.stdout!.setEncoding('utf8');
      child.stderr!.on('data', (text: string) => {
        stderr = (stderr + text).slice(-OUTPUT_CAP);
        log.write(text);
      });
      child.stdout!.on('data', (text: string) => log.write(text));
      child.stdin!.on('error', () => {});
      child.stdin!.end(json);
      child.on('error', (e) => resolve(`the command could not start: ${e.message}`));
      child.on('close', (code, signal) => {
        if (code === 0) return resolve(undefined);
        const tail = stderr.trim().split('\n').slice(-5).join('\n');
        resolve(`the command exited with ${signal ? `signal ${signal}` : `code ${code}`}${tail ? `: ${tail}` : ''}`);
      });
    });
  }

  /** Ends the function's work: kills a command's process tree, stops waiting for a JS handler. */
  private stop(actionExecutionId: string, reason: string) {
    const r = this.running.get(actionExecutionId);
    if (!r) return;
    this.running.delete(actionExecutionId);
    if (r.child?.pid) killTree(r.child.pid);
    r.release?.(reason);
  }

  shutdown() {
    this.unsubscribe();
    for (const id of [...this.running.keys()]) this.stop(id, 'codepipeline-local stopped');
  }

  cancel(row: ActionExecutionRow) {
    const now = this.engine.clock.now();
    for (const job of this.engine.store.jobs.forAction(row.id))
      if (!['Succeeded', 'Failed', 'TimedOut'].includes(job.status)) this.engine.store.jobs.setStatus(job.id, 'Failed', now);
    this.stop(row.id, 'The action was abandoned');
  }

  timeout(row: ActionExecutionRow) {
    const now = this.engine.clock.now();
    for (const job of this.engine.store.jobs.forAction(row.id))
      if (!['Succeeded', 'Failed', 'TimedOut'].includes(job.status)) this.engine.store.jobs.setStatus(job.id, 'TimedOut', now);
    const total = now - row.started >= LAMBDA_ACTION_TIMEOUT_MS;
    const message = total
      ? 'The Lambda function did not complete the action within 24 hours'
      : 'The Lambda function did not report a result (PutJobSuccessResult or PutJobFailureResult) within 20 minutes';
    this.engine.completeAction(row.id, { status: 'Failed', summary: message, errorDetails: { code: 'TimeoutError', message } });
    this.stop(row.id, message);
  }
}
