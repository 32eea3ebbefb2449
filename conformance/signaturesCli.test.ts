// The real CLI entry with --credentials FILE (and CODEPIPELINE_LOCAL_CREDENTIALS' flag twin), and the
// `presign` subcommand.
import { CodePipelineClient, ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { client, rawCall } from './harness.js';
import { entryArgs, killEntry, startEntry, type Entry } from './scripts/entry.js';
import { KEY } from './sigv4Kit.js';

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CODEPIPELINE_LOCAL_')));
  return new Promise((resolve) =>
    execFile(process.execPath, entryArgs('tsx', args), { timeout: 30_000, env: { ...base, ...env } }, (e, stdout, stderr) =>
      resolve({ code: e ? Number(e.code) : 0, stdout, stderr }),
    ),
  );
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-credentials-cli-'));
const file = path.join(dir, 'keys.yml');
fs.writeFileSync(file, `credentials:\n  - accessKeyId: ${KEY.accessKeyId}\n    secretAccessKey: ${KEY.secretAccessKey}\n    accountId: "${KEY.accountId}"\n`);

let entry: Entry | undefined;
afterAll(() => killEntry(entry));

describe('codepipeline-local --credentials FILE', () => {
  it('verifies every request and says so at start-up', async () => {
    entry = await startEntry({ args: ['--port', '0', '--in-memory', '--credentials', file] });
    expect(entry.stderr()).toContain('  auth:    every request must carry a valid SigV4 signature made with a configured access key\n');
    const cp = client(entry.endpoint, { accessKeyId: KEY.accessKeyId });
    const e = await cp.send(new ListPipelinesCommand({})).catch((x) => x);
    expect(e.name).toBe('InvalidSignatureException');
    const good = new CodePipelineClient({ endpoint: entry.endpoint, region: 'us-east-1', credentials: KEY, maxAttempts: 1 });
    expect((await good.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
    expect((await rawCall(entry.endpoint, 'CodePipeline_20150709.ListPipelines', '{}')).status).toBe(403);
    await killEntry(entry);
    entry = undefined;
  });

  it('an unreadable or empty file stops the start with one line, exit 2', async () => {
    const missing = await run(['--in-memory', '--port', '0', '--credentials', path.join(dir, 'nope.yml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^codepipeline-local: cannot read the credentials file \S+nope\.yml: ENOENT[^\n]*\n$/);
    const empty = path.join(dir, 'empty.yml');
    fs.writeFileSync(empty, 'credentials: []\n');
    const none = await run(['--in-memory', '--port', '0'], { CODEPIPELINE_LOCAL_CREDENTIALS: empty });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(`codepipeline-local: the credentials file ${empty} lists no access keys\n`);
  });
});

describe('codepipeline-local presign URL', () => {
  it('prints a presigned link made with the key in the environment', async () => {
    const env = { AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey, AWS_REGION: 'eu-west-1' };
    const r = await run(['presign', 'http://127.0.0.1:4596/_events?pipeline=p', '--expires-in', '60'], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /^http:\/\/127\.0\.0\.1:4596\/_events\?pipeline=p&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDTEAMSERVER01%2F\d{8}%2Feu-west-1%2Fcodepipeline%2Faws4_request&X-Amz-Date=\d{8}T\d{6}Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=[0-9a-f]{64}\n$/,
    );
    const bad = await run(['presign', 'http://127.0.0.1:4596/_events'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('codepipeline-local: presign needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment');
  });
});
