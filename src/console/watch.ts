// `codepipeline-local watch [PIPELINE]`: the console's pipeline view in a terminal, against a running
// emulator. It follows one execution (--execution-id, else the pipeline's latest), redraws on every
// event of the pipeline's event stream, and ends with the execution: exit code 0 when it Succeeded,
// 1 for any other final status (Failed, Stopped, Superseded, Cancelled), 2 when it cannot watch
// (no such pipeline or execution, emulator unreachable). Like the web console, it calls the API with
// an unsigned credential scope, so it works with signature verification off (the default).
import { DEFAULT_PORT } from '../config.js';

export interface WatchOptions {
  pipeline?: string;
  executionId?: string;
  endpoint?: string;
  region?: string;
  env: NodeJS.ProcessEnv;
  out: { write(s: string): unknown; isTTY?: boolean };
}

/** Final statuses of an execution; the others (InProgress, Stopping) are still moving. */
const FINAL = new Set(['Succeeded', 'Failed', 'Stopped', 'Superseded', 'Cancelled']);

export class WatchError extends Error {}

interface Api {
  call<T = any>(operation: string, input: object): Promise<T>;
  events(pipeline: string, onEvent: () => void, signal: AbortSignal): Promise<void>;
}

function apiOf(endpoint: string, account: string, region: string): Api {
  const date = () => new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const authorization = () => `AWS4-HMAC-SHA256 Credential=${account}/${date()}/${region}/codepipeline/aws4_request, SignedHeaders=host, Signature=0`;
  const reach = async (url: string, init: RequestInit) => {
    try {
      return await fetch(url, init);
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new WatchError(`cannot reach the emulator at ${endpoint} (${(e as Error).message}): is it running? (see --endpoint)`);
    }
  };
  return {
    async call(operation, input) {
      const res = await reach(`${endpoint}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `CodePipeline_20150709.${operation}`, authorization: authorization() },
        body: JSON.stringify(input),
      });
      const text = await res.text();
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        throw new WatchError(`${operation}: HTTP ${res.status} ${text.slice(0, 200)}`);
      }
      if (!res.ok) throw new WatchError(`${String(body.__type ?? res.status).split('#').pop()}: ${body.message ?? text}`);
      return body;
    },
    async events(pipeline, onEvent, signal) {
      const q = new URLSearchParams({ pipeline, account, region });
      const res = await reach(`${endpoint}/_events/stream?${q}`, { signal, headers: { authorization: authorization() } });
      if (!res.ok || !res.body) throw new WatchError(`the event stream answered HTTP ${res.status}: ${await res.text()}`);
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const message = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          if (/^data:/m.test(message)) onEvent();
        }
      }
    },
  };
}

const paint = (tty: boolean | undefined, status: string | undefined) => {
  const s = status ?? "Didn't run";
  if (!tty) return s;
  const color = s === 'Succeeded' ? 32 : s === 'Failed' || s === 'Abandoned' ? 31 : s === 'InProgress' || s === 'Stopping' ? 36 : 90;
  return `\x1b[${color}m${s}\x1b[0m`;
};

/** The pipeline view as text: stages, their actions by run order, transitions, the followed execution. */
export function drawPipeline(declaration: any, state: any, execution: any, tty?: boolean): string {
  const lines = [`${declaration.name}  execution ${execution.pipelineExecutionId}  ${paint(tty, execution.status)}${execution.statusSummary ? `  ${execution.statusSummary}` : ''}`, ''];
  const states = new Map<string, any>((state.stageStates ?? []).map((s: any) => [s.stageName, s]));
  declaration.stages.forEach((stage: any, i: number) => {
    const st = states.get(stage.name) ?? {};
    if (i > 0) {
      const t = st.inboundTransitionState;
      lines.push(t && t.enabled === false ? `   ✕ transition disabled: ${t.disabledReason ?? ''}` : '   ↓');
    }
    const held = st.latestExecution && st.latestExecution.pipelineExecutionId !== execution.pipelineExecutionId ? `  (execution ${st.latestExecution.pipelineExecutionId})` : '';
    lines.push(` ${stage.name}  ${paint(tty, st.latestExecution?.status)}${held}`);
    const actions = new Map<string, any>((st.actionStates ?? []).map((a: any) => [a.actionName, a]));
    const orders = [...new Set<number>(stage.actions.map((a: any) => a.runOrder ?? 1))].sort((a, b) => a - b);
    for (const order of orders) {
      const group = stage.actions.filter((a: any) => (a.runOrder ?? 1) === order);
      group.forEach((a: any, j: number) => {
        const e = actions.get(a.name)?.latestExecution;
        const mark = group.length > 1 ? (j === 0 ? '┌' : j === group.length - 1 ? '└' : '├') : '─';
        const summary = e?.summary ? `  ${String(e.summary).split('\n')[0].slice(0, 100)}` : '';
        const link = e?.externalExecutionUrl ? `  ${e.externalExecutionUrl}` : '';
        lines.push(`   ${mark} ${a.name} (${a.actionTypeId.provider})  ${paint(tty, e?.status)}${summary}${link}`);
      });
    }
  });
  return `${lines.join('\n')}\n`;
}

/** Runs the watch; resolves with the exit code. */
export async function watch(opts: WatchOptions): Promise<number> {
  const endpoint = (opts.endpoint ?? opts.env.AWS_ENDPOINT_URL_CODEPIPELINE ?? opts.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${DEFAULT_PORT}`).replace(/\/+$/, '');
  const region = opts.region ?? opts.env.AWS_REGION ?? opts.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  // The account as the AWS tools on this machine name it (a 12-digit access key id), else the default.
  const key = opts.env.AWS_ACCESS_KEY_ID;
  const account = key && /^\d{12}$/.test(key) ? key : '000000000000';
  const api = apiOf(endpoint, account, region);

  let pipeline = opts.pipeline;
  if (!pipeline) {
    const list = (await api.call('ListPipelines', { maxResults: 1000 })).pipelines ?? [];
    if (list.length !== 1)
      throw new WatchError(
        list.length ? `name the pipeline to watch: ${list.map((p: any) => p.name).join(', ')}` : `no pipelines in account ${account} region ${region}`,
      );
    pipeline = list[0].name as string;
  }
  const declaration = (await api.call('GetPipeline', { name: pipeline })).pipeline;
  // The stream first, so nothing that happens while the first view is read is missed.
  const abort = new AbortController();
  let wake = () => {};
  let changed = true;
  const stream = api
    .events(
      pipeline,
      () => {
        changed = true;
        wake();
      },
      abort.signal,
    )
    .catch((e) => (abort.signal.aborted ? undefined : e));
  try {
    let executionId = opts.executionId;
    if (!executionId) {
      const latest = (await api.call('ListPipelineExecutions', { pipelineName: pipeline, maxResults: 1 })).pipelineExecutionSummaries?.[0];
      if (!latest) throw new WatchError(`pipeline ${pipeline} has no executions yet (start one, or pass --execution-id)`);
      executionId = latest.pipelineExecutionId as string;
    }
    let last = '';
    for (;;) {
      changed = false;
      const [state, { pipelineExecution: execution }] = await Promise.all([
        api.call('GetPipelineState', { name: pipeline }),
        api.call('GetPipelineExecution', { pipelineName: pipeline, pipelineExecutionId: executionId }),
      ]);
      const frame = drawPipeline(declaration, state, execution, opts.out.isTTY);
      if (frame !== last) {
        opts.out.write(opts.out.isTTY ? `\x1b[H\x1b[2J${frame}` : `${last ? '\n' : ''}${frame}`);
        last = frame;
      }
      if (FINAL.has(execution.status)) return execution.status === 'Succeeded' ? 0 : 1;
      if (!changed) {
        const ended = await Promise.race([new Promise<'event'>((resolve) => (wake = () => resolve('event'))), stream.then(() => 'ended' as const)]);
        if (ended === 'ended') {
          const problem = await stream;
          throw problem instanceof Error ? problem : new WatchError('the event stream ended (the pipeline was deleted, or the emulator stopped)');
        }
      }
    }
  } finally {
    abort.abort();
  }
}
