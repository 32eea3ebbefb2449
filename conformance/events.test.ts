// The events endpoint: recorded state changes as EventBridge-shaped envelopes, listed and streamed (SSE).
import { beforeAll, describe, expect, it } from 'vitest';
import { CreatePipelineCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { openStreamCount } from '../src/events/stream.js';
import { ACCOUNT, client, useEmulator } from './harness.js';
import { BUILD_TYPE, SOURCE_TYPE, buildAction, createCustomTypes, newestExecutionId, pipelineOf, succeed, until, waitForStatus } from './engineKit.js';

const t = useEmulator({ setup: createCustomTypes });

/** The credential scope an SDK would sign with: it picks the account and region, as for the API. */
const AUTH = { authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20240101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=00` };

async function getEvents(query: string, headers: Record<string, string> = AUTH) {
  const res = await fetch(`${t.emu.endpoint}/_events?${query}`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), json: (await res.json()) as any };
}

/** Creates Source -> Build and runs its first execution to success. */
async function runOnce(name: string) {
  await t.cp.send(new CreatePipelineCommand({ pipeline: pipelineOf(name, [{ name: 'Build', actions: [buildAction('Build', name)] }]) }));
  const id = await newestExecutionId(t.cp, name);
  await succeed(t.cp, SOURCE_TYPE, { Repo: name });
  await succeed(t.cp, BUILD_TYPE, { Project: name });
  await waitForStatus(t.cp, name, id, 'Succeeded');
  return id;
}

const EXECUTION = 'CodePipeline Pipeline Execution State Change';
const STAGE = 'CodePipeline Stage Execution State Change';
const ACTION = 'CodePipeline Action Execution State Change';

const summary = (e: any) => [e['detail-type'], e.detail.stage, e.detail.action, e.detail.state].filter((x) => x !== undefined);

const SUCCESSFUL_RUN = [
  [EXECUTION, 'STARTED'],
  [STAGE, 'Source', 'STARTED'],
  [ACTION, 'Source', 'Source', 'STARTED'],
  [ACTION, 'Source', 'Source', 'SUCCEEDED'],
  [STAGE, 'Source', 'SUCCEEDED'],
  [STAGE, 'Build', 'STARTED'],
  [ACTION, 'Build', 'Build', 'STARTED'],
  [ACTION, 'Build', 'Build', 'SUCCEEDED'],
  [STAGE, 'Build', 'SUCCEEDED'],
  [EXECUTION, 'SUCCEEDED'],
];

describe('GET /_events', () => {
  let id: string;
  beforeAll(async () => {
    id = await runOnce('ev-simple');
  });

  it('lists the state changes of a successful execution in order, as EventBridge envelopes', async () => {
    const res = await getEvents('pipeline=ev-simple');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    const events = res.json.events;
    expect(events.map(summary)).toEqual(SUCCESSFUL_RUN);
    for (const e of events) {
      expect(e).toEqual({
        version: '0',
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        'detail-type': expect.any(String),
        source: 'aws.codepipeline',
        account: ACCOUNT,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        region: 'us-east-1',
        resources: [`arn:aws:codepipeline:us-east-1:${ACCOUNT}:ev-simple`],
        detail: expect.objectContaining({ pipeline: 'ev-simple', 'execution-id': id, version: 1 }),
      });
    }
    expect(new Set(events.map((e: any) => e.id)).size).toBe(events.length);
    expect(events[6].detail).toMatchObject({ stage: 'Build', action: 'Build', region: 'us-east-1', type: BUILD_TYPE });
    expect(events[0].detail['execution-trigger']).toEqual({ 'trigger-type': 'CreatePipeline', 'trigger-detail': `arn:aws:iam::${ACCOUNT}:root` });
  });

  it('pages with after and limit; nextAfter is the last sequence number answered', async () => {
    const all = (await getEvents('pipeline=ev-simple')).json;
    const first = (await getEvents('pipeline=ev-simple&limit=4')).json;
    expect(first.events).toEqual(all.events.slice(0, 4));
    const rest = (await getEvents(`pipeline=ev-simple&after=${first.nextAfter}`)).json;
    expect(rest.events).toEqual(all.events.slice(4));
    expect(rest.nextAfter).toBe(all.nextAfter);
    const none = (await getEvents(`pipeline=ev-simple&after=${all.nextAfter}`)).json;
    expect(none).toEqual({ events: [], nextAfter: all.nextAfter });
  });

  it('takes the account and region from query parameters when the request is unsigned', async () => {
    const viaQuery = await getEvents(`pipeline=ev-simple&account=${ACCOUNT}&region=us-east-1`, {});
    expect(viaQuery.json).toEqual((await getEvents('pipeline=ev-simple')).json);
    const otherRegion = await getEvents(`pipeline=ev-simple&account=${ACCOUNT}&region=eu-west-1`, {});
    expect(otherRegion.status).toBe(404);
  });

  it('answers 404 for an unknown pipeline and 400 for bad parameters, as JSON errors', async () => {
    const missing = await getEvents('pipeline=ev-nope');
    expect(missing.status).toBe(404);
    expect(missing.type).toMatch(/^application\/json/);
    expect(missing.json).toEqual({
      __type: 'PipelineNotFoundException',
      message: `Account '${ACCOUNT}' does not have a pipeline with name 'ev-nope' in region 'us-east-1'`,
    });
    // Naming the default account explicitly: it has no such pipeline.
    expect((await getEvents('pipeline=ev-simple&account=000000000000', {})).json.message).toBe(
      "Account '000000000000' does not have a pipeline with name 'ev-simple' in region 'us-east-1'",
    );

    const cases: [string, string][] = [
      ['', 'The pipeline query parameter is required'],
      ['pipeline=ev-simple&limit=0', 'limit must be an integer between 1 and 1000'],
      ['pipeline=ev-simple&limit=1001', 'limit must be an integer between 1 and 1000'],
      ['pipeline=ev-simple&after=-1', `after must be an integer between 0 and ${Number.MAX_SAFE_INTEGER}`],
      ['pipeline=ev-simple&after=abc', `after must be an integer between 0 and ${Number.MAX_SAFE_INTEGER}`],
      ['pipeline=ev-simple&account=42', 'account must be 12 digits'],
    ];
    for (const [query, message] of cases) {
      const res = await getEvents(query);
      expect(res.status, query).toBe(400);
      expect(res.json, query).toEqual({ __type: 'ValidationException', message });
    }
  });
});

interface Frame {
  id?: string;
  data?: any;
}

/** Opens the SSE stream and parses its frames; every read is bounded. */
async function openStream(query: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(`${t.emu.endpoint}/_events/stream?${query}`, { headers: { ...AUTH, ...headers }, signal: abort.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const frames: Frame[] = [];

  async function next(ms = 5000): Promise<Frame> {
    const deadline = Date.now() + ms;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const frame: Frame = {};
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) frame.id = line.slice(4);
          else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
        }
        if (frame.data === undefined) continue; // a comment (keep-alive)
        frames.push(frame);
        return frame;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${ms} ms; frames so far: ${JSON.stringify(frames.map((f) => f.id))}`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no data within ${ms} ms`)), left))),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) throw new Error('stream ended');
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  }

  return { res, next, close: () => abort.abort() };
}

describe('GET /_events/stream', () => {
  it('replays from the start with after=0, then delivers the events of a new execution as they happen', async () => {
    const firstId = await runOnce('ev-stream');
    const history = (await getEvents('pipeline=ev-stream')).json;
    const stream = await openStream('pipeline=ev-stream&after=0');
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-type')).toBe('text/event-stream');
    for (const expected of history.events) {
      const frame = await stream.next();
      expect(frame.data).toEqual(expected);
      expect(frame.data.detail['execution-id']).toBe(firstId);
    }

    const secondId = (await t.cp.send(new StartPipelineExecutionCommand({ name: 'ev-stream' }))).pipelineExecutionId!;
    const started = await stream.next();
    expect(Number(started.id)).toBe(history.nextAfter + 1);
    expect(summary(started.data)).toEqual([EXECUTION, 'STARTED']);
    expect(started.data.detail['execution-id']).toBe(secondId);
    await succeed(t.cp, SOURCE_TYPE, { Repo: 'ev-stream' });
    await succeed(t.cp, BUILD_TYPE, { Project: 'ev-stream' });
    const frames = [started];
    while (frames.length < SUCCESSFUL_RUN.length) frames.push(await stream.next());
    expect(frames.map((f) => summary(f.data))).toEqual(SUCCESSFUL_RUN);
    expect(frames.map((f) => Number(f.id))).toEqual(frames.map((_, i) => history.nextAfter + 1 + i));

    expect(openStreamCount()).toBe(1);
    stream.close();
    // The server notices the client left and stops polling for it.
    await until(async () => openStreamCount(), (n) => n === 0);
  });

  it('resumes after Last-Event-ID', async () => {
    await runOnce('ev-resume');
    const all = (await getEvents('pipeline=ev-resume')).json.events;
    const lastSeen = (await getEvents('pipeline=ev-resume&limit=7')).json.nextAfter;
    const stream = await openStream('pipeline=ev-resume', { 'last-event-id': String(lastSeen) });
    for (const expected of all.slice(7)) expect((await stream.next()).data).toEqual(expected);
    stream.close();
    await until(async () => openStreamCount(), (n) => n === 0);
  });

  it('without after= or Last-Event-ID, starts with the events still to come', async () => {
    await runOnce('ev-new-only');
    const before = (await getEvents('pipeline=ev-new-only')).json.nextAfter;
    const stream = await openStream('pipeline=ev-new-only');
    // The stream is open once its headers arrived; only then is the next execution started.
    expect(stream.res.status).toBe(200);
    const id = (await t.cp.send(new StartPipelineExecutionCommand({ name: 'ev-new-only' }))).pipelineExecutionId!;
    const first = await stream.next();
    expect(Number(first.id)).toBe(before + 1);
    expect(summary(first.data)).toEqual([EXECUTION, 'STARTED']);
    expect(first.data.detail['execution-id']).toBe(id);
    stream.close();
    await until(async () => openStreamCount(), (n) => n === 0);
  });

  it('answers 404 JSON, not a stream, for an unknown pipeline', async () => {
    const res = await fetch(`${t.emu.endpoint}/_events/stream?pipeline=ev-nope`, { headers: AUTH });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      __type: 'PipelineNotFoundException',
      message: `Account '${ACCOUNT}' does not have a pipeline with name 'ev-nope' in region 'us-east-1'`,
    });
  });
});

describe('which account and region an unsigned request means', () => {
  it('a request that names no account finds the one account and region holding the pipeline', async () => {
    await runOnce('ev-unsigned');
    const res = await getEvents('pipeline=ev-unsigned', {});
    expect(res.status).toBe(200);
    expect(res.json.events.map(summary)).toEqual(SUCCESSFUL_RUN);
    expect(res.json.events[0].account).toBe(ACCOUNT);
  });

  it('a pipeline name held in two places asks which one', async () => {
    await runOnce('ev-twice');
    const other = client(t.emu.endpoint, { region: 'eu-west-1' });
    await createCustomTypes(other);
    await other.send(new CreatePipelineCommand({ pipeline: pipelineOf('ev-twice', [{ name: 'Build', actions: [buildAction('Build', 'ev-twice')] }]) }));
    const res = await getEvents('pipeline=ev-twice', {});
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      __type: 'ValidationException',
      message: `Pipeline 'ev-twice' exists in more than one place (account ${ACCOUNT} region eu-west-1, account ${ACCOUNT} region us-east-1): choose one with the account and region query parameters`,
    });
    const named = await getEvents('pipeline=ev-twice&region=eu-west-1', {});
    expect(named.status).toBe(200);
    expect(named.json.events[0].region).toBe('eu-west-1');
  });

  it('a name found nowhere answers 404 for the default account and region', async () => {
    const res = await getEvents('pipeline=ev-nowhere', {});
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      __type: 'PipelineNotFoundException',
      message: `Account '000000000000' does not have a pipeline with name 'ev-nowhere' in region 'us-east-1'`,
    });
  });
});
