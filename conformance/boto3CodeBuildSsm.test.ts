// CodeBuild and SSM through boto3 (conformance/scripts/boto3_codebuild_ssm.py): parameters with a
// paginator, a project and a build run to its end, and ClientErrors with the right codes.
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from './harness.js';
import { clientEnv } from './scripts/expected.js';

const SCRIPT = path.resolve(import.meta.dirname, 'scripts', 'boto3_codebuild_ssm.py');
const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { env: clientEnv() }).status === 0;
const t = useEmulator();
let out: any;

describe.skipIf(!hasBoto3)(hasBoto3 ? 'boto3: CodeBuild and SSM' : 'boto3: CodeBuild and SSM (skipped: python3 with boto3 is not installed)', () => {
  beforeAll(async () => {
    // Asynchronous on purpose: the emulator answers from this same event loop.
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile('python3', [SCRIPT, t.emu.endpoint], { env: clientEnv(), timeout: 90_000 }, (e, so, se) => (e ? reject(new Error(`boto3 script failed: ${se}`)) : resolve(so))),
    );
    out = JSON.parse(stdout);
  });

  it('SSM: a SecureString with decryption, the by-path paginator, ParameterNotFound', () => {
    expect(out.get).toBe('hidden');
    expect(out.byPath).toEqual(['/boto/p0', '/boto/p1', '/boto/p2', '/boto/p3', '/boto/p4', '/boto/secret']);
    expect(out.missing).toEqual({ code: 'ParameterNotFound', status: 400, message: '' });
  });

  it('CodeBuild: a build run to its end, its variables as references, the builds paginator, ResourceAlreadyExistsException', () => {
    expect(out.build).toEqual({ status: 'SUCCEEDED', number: 1, variables: [{ name: 'S', value: '/boto/secret', type: 'PARAMETER_STORE' }], startTimeIsDatetime: true });
    expect(out.ids).toBe(true);
    expect(out.exists).toEqual({ code: 'ResourceAlreadyExistsException', status: 400, message: 'Project already exists: boto-project' });
  });
});
