// `codepipeline-local watch [PIPELINE]`: the console's pipeline view in a terminal, against a running
// emulator. It follows one execution (--execution-id, else the pipeline's latest), redraws on every
// event of the pipeline's event stream, and ends with the execution: exit code 0 when it Succeeded,
// 1 for any other final status (Failed, Stopped, Superseded, Cancelled), 2 when it cannot watch
// (no such pipeline or execution, emulator unreachable). With AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY set it signs its requests (SigV4; the event stream presigned), so it works
// against an emulator that verifies signatures (--credentials); without them it sends an unsigned
// credential scope, as the web console does.
import { DEFAULT_PORT } from '../config.js';
import { presignUrl } from '../protocol/apiAuth.js';
import { amzDateOf, canonicalRequest, sha256Hex, sign, signingKey, stringToSign, type SignatureClaim } from '../protocol/sigv4.js';

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
  /** Follows the pipeline's event stream: `onOpen` once the server has subscribed (its first line), `onEvent` per event. */
  events(pipeline: string, onEvent: () => void, signal: AbortSignal, onOpen: () => void): Promise<void>;
}

type Key = { accessKeyId: string; secretAccessKey: string };

/** The Authorization header of a request to `url` signed with `key` (SigV4, service codepipeline). */
function signedAuthorization(key: Key, region: string, url: URL, method: string, headers: Record<string, string>, body: string): Record<string, string> {
  const amzDate = amzDateOf(Date.now());
  const date = amzDate.slice(0, 8);
  const all: Record<string, string> = { ...headers, host: url.host, 'x-amz-date': amzDate };
  const names = Object.keys(all).sort();
  const credential = { accessKeyId: key.accessKeyId, date, region, service: 'codepipeline', scope: `${date}/${region}/codepipeline/aws4_request` };
  const claim: SignatureClaim = { presigned: false, credential, signedHeaders: names, signature: '', amzDate, time: Date.now() };
  const raw = { method, url: `${url.pathname}${url.search}`, headers: Object.fromEntries(names.map((n) => [n, [all[n]]])) };
  const signature = sign(signingKey(key.secretAccessKey, credential), stringToSign(amzDate, credential.scope, canonicalRequest(raw, claim, sha256Hex(body), url.pathname)));
  const { host: _host, ...rest } = all;
  return { ...rest, authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${credential.scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}

function apiOf(endpoint: string, account: string, region: string, key: Key | undefined): Api {
  const date = () => new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const authorization = () => `AWS4-HMAC-SHA256 Credential=${account}/${date()}/${region}/codepipeline/aws4_request, SignedHeaders=host, Signature=0`;
  const headersFor = (url: URL, method: string, headers: Record<string, string>, body: string) =>
    key ? signedAuthorization(key, region, url, method, headers, body) : { ...headers, authorization: authorization() };
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
      const body = JSON.stringify(input);
      const headers = headersFor(new URL(`${endpoint}/`), 'POST', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `CodePipeline_20150709.${operation}` }, body);
      const res = await reach(`${endpoint}/`, { method: 'POST', headers, body });
      const text = await res.text();
      let answer: any;
      try {
        answer = JSON.parse(text);
      } catch {
        throw new WatchError(`${operation}: HTTP ${res.status} ${text.slice(0, 200)}`);
      }
      if (!res.ok) throw new WatchError(`${String(answer.__type ?? res.status).split('#').pop()}: ${answer.message ?? text}`);
      return answer;
    },
    async events(pipeline, onEvent, signal, onOpen) {
      // Signed, the key names the account; presigned, as the stream is read for as long as the execution runs.
      const q = new URLSearchParams(key ? { pipeline, region } : { pipeline, account, region });
      const url = `${endpoint}/_events/stream?${q}`;
      const res = key
        ? await reach(presignUrl(url, key, region, 3600), { signal })
        : await reach(url, { signal, headers: { authorization: authorization() } });
      if (!res.ok || !res.body) throw new WatchError(`the event stream answered HTTP ${res.status}: ${await res.text()}`);
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        onOpen();
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
    const condition = (label: string, c: any) => {
      if (!c) return;
      const rules = (c.conditionStates ?? []).flatMap((cs: any) => cs.ruleStates ?? []);
      const detail = rules.map((r: any) => `${r.ruleName} ${paint(tty, r.latestExecution?.status)}${r.latestExecution?.summary ? ` (${String(r.latestExecution.summary).split('\n')[0].slice(0, 80)})` : ''}`);
      lines.push(`   ${label} condition  ${paint(tty, c.latestExecution?.status)}${detail.length ? `  ${detail.join(', ')}` : ''}`);
    };
    condition('entry', st.beforeEntryConditionState);
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
    condition('success', st.onSuccessConditionState);
    condition('failure', st.onFailureConditionState);
  });
  return `${lines.join('\n')}\n`;
}

/** Runs the watch; resolves with the exit code. */
export async function watch(opts: WatchOptions): Promise<number> {
  const endpoint = (opts.endpoint ?? opts.env.AWS_ENDPOINT_URL_CODEPIPELINE ?? opts.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${DEFAULT_PORT}`).replace(/\/+$/, '');
  const region = opts.region ?? opts.env.AWS_REGION ?? opts.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  // The account as the AWS tools on this machine name it (a 12-digit access key id), else the default.
  const keyId = opts.env.AWS_ACCESS_KEY_ID;
  const account = keyId && /^\d{12}$/.test(keyId) ? keyId : '000000000000';
  const secret = opts.env.AWS_SECRET_ACCESS_KEY;
  const api = apiOf(endpoint, account, region, keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret } : undefined);

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
  let opened = () => {};
  const open = new Promise<void>((resolve) => (opened = resolve));
  const stream = api
    .events(
      pipeline,
      () => {
        changed = true;
        wake();
      },
      abort.signal,
      () => opened(),
    )
    .catch((e) => (abort.signal.aborted ? undefined : e));
  try {
    // The first view is read once the server has subscribed (however long it takes to serve the stream: its
    // routes load on their first request), or the stream failed (reported below).
    await Promise.race([open, stream]);
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
