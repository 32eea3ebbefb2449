// Helpers for the CodeBuild and Commands suites: a custom source whose job worker uploads a zip of a
// fixture folder (as a real source action would), and readers for logs, zips and processes.
import fs from 'node:fs';
import path from 'node:path';
import {
  CreatePipelineCommand,
  ListActionExecutionsCommand,
  PutJobSuccessResultCommand,
  type ActionDeclaration,
  type ActionExecutionDetail,
  type CodePipelineClient,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import type { RunningEmulator } from '../src/index.js';
import { readZip, zipDirectory, zipFiles } from '../src/util/zip.js';
import { ACCOUNT } from './harness.js';
import { SOURCE_TYPE, newestExecutionId, takeJob, until } from './engineKit.js';

export const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'codebuild');

export const codeBuildAction = (name: string, configuration: Record<string, string>, extra: Partial<ActionDeclaration> = {}): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
  configuration,
  inputArtifacts: [{ name: 'SourceOut' }],
  ...extra,
});

/** Creates the pipeline and answers its source job with a zip of `files` (a folder, or in-memory files). */
export async function startWithSource(emu: RunningEmulator, cp: CodePipelineClient, decl: PipelineDeclaration, source: string | Record<string, string>, revision = 'rev-0001') {
  await cp.send(new CreatePipelineCommand({ pipeline: decl }));
  const id = await newestExecutionId(cp, decl.name!);
  const job = await takeJob(cp, SOURCE_TYPE, { Repo: decl.name! });
  const s3 = job.data!.outputArtifacts![0].location!.s3Location!;
  const zip = typeof source === 'string' ? await zipDirectory(source) : zipFiles(Object.entries(source).map(([p, text]) => ({ path: p, data: Buffer.from(text) })));
  await emu.engine.artifacts.put(ACCOUNT, { bucket: s3.bucketName!, key: s3.objectKey! }, zip);
  await cp.send(new PutJobSuccessResultCommand({ jobId: job.id, currentRevision: { revision, changeIdentifier: revision } }));
  return id;
}

export async function actionExecution(cp: CodePipelineClient, pipelineName: string, pipelineExecutionId: string, actionName: string): Promise<ActionExecutionDetail> {
  const out = await cp.send(new ListActionExecutionsCommand({ pipelineName, filter: { pipelineExecutionId } }));
  return out.actionExecutionDetails!.find((d) => d.actionName === actionName)!;
}

/** The files of an output artifact, as text. */
export async function artifactFiles(emu: RunningEmulator, detail: ActionExecutionDetail, artifact: string): Promise<Record<string, string>> {
  const loc = detail.output!.outputArtifacts!.find((a) => a.name === artifact)!.s3location!;
  const zip = await emu.engine.artifacts.get({ bucket: loc.bucket!, key: loc.key! });
  return Object.fromEntries([...readZip(zip!)].map(([p, d]) => [p, Buffer.from(d).toString('utf8')]));
}

export async function fetchLog(emu: RunningEmulator, actionExecutionId: string, query = ''): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${emu.endpoint}/_logs/${actionExecutionId}${query}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The log lines without CodeBuild's "[Container] <timestamp> " prefix timestamps (for exact comparisons). */
export const untimed = (log: string) => log.replace(/^\[Container\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d{6} /gm, '[Container] ');

/** Whether a process is alive (a zombie waiting to be reaped counts as dead). */
export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export const waitForLog = (emu: RunningEmulator, id: string, pattern: RegExp, ms = 10_000) =>
  until(() => fetchLog(emu, id), (l) => pattern.test(l.text), ms);
