// Build projects: a stored project with the local configuration laid over it, and build numbers
// carried over from the JSON file earlier versions kept.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyLocalConfig } from '../localConfig.js';
import { Store } from '../store/index.js';
import { newProject } from './projectDocument.js';
import { BuildProjects } from './projects.js';

const scope = { account: '123456789012', region: 'us-east-1' };
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-projects-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('BuildProjects', () => {
  it('goes on from the numbers of build-numbers.json, once, then keeps them in the store', () => {
    const dir = tmp();
    const file = path.join(dir, 'build-numbers.json');
    fs.writeFileSync(file, JSON.stringify({ '123456789012/us-east-1/app': 41, '123456789012/eu-west-1/app': 3, junk: 'x' }));
    const store = Store.open({ inMemory: true, dataDir: dir });
    const projects = new BuildProjects(emptyLocalConfig(dir), store, file);
    expect(projects.nextBuildNumber(scope, 'app')).toBe(42);
    expect(projects.nextBuildNumber({ ...scope, region: 'eu-west-1' }, 'app')).toBe(4);
    expect(projects.nextBuildNumber(scope, 'other')).toBe(1);
    expect([fs.existsSync(file), fs.existsSync(`${file}.migrated`)]).toEqual([false, true]);
    expect(new BuildProjects(emptyLocalConfig(dir), store, file).nextBuildNumber(scope, 'app')).toBe(43);
    store.close();
  });

  it('lays the local configuration over a stored project; a project only configured locally works as before', () => {
    const dir = tmp();
    const store = Store.open({ inMemory: true, dataDir: dir });
    const stored = newProject(
      scope,
      {
        name: 'app',
        source: { type: 'CODEPIPELINE', buildspec: 'stored.yml' },
        artifacts: { type: 'CODEPIPELINE' },
        environment: { type: 'LINUX_CONTAINER', image: 'i', computeType: 'BUILD_GENERAL1_SMALL', environmentVariables: [{ name: 'A', value: '/p', type: 'PARAMETER_STORE' }] },
        serviceRole: 'r',
        timeoutInMinutes: 10,
      },
      1,
    );
    store.builds.putProject(scope, 'app', stored, 1, 1);
    const config = emptyLocalConfig(dir);
    config.codebuild.projects = { app: { environmentVariables: { B: 'local' }, shell: 'sh' }, local: { buildspec: 'local.yml' } };
    const projects = new BuildProjects(config, store);
    expect(projects.project(scope, 'app')).toEqual({
      buildspec: 'stored.yml',
      environmentVariables: [
        { name: 'A', value: '/p', type: 'PARAMETER_STORE' },
        { name: 'B', value: 'local', type: 'PLAINTEXT' },
      ],
      timeoutInMinutes: 10,
      shell: 'sh',
      stored,
    });
    expect(projects.project(scope, 'local')).toEqual({ buildspec: 'local.yml', environmentVariables: [] });
    expect(projects.project({ ...scope, region: 'eu-west-1' }, 'app')).toEqual({ environmentVariables: [{ name: 'B', value: 'local', type: 'PLAINTEXT' }], shell: 'sh' });
    expect([projects.exists(scope, 'app'), projects.exists(scope, 'local'), projects.exists(scope, 'none')]).toEqual([true, true, false]);
    store.close();
  });
});
