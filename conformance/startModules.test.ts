// A start loads what the first CodePipeline answer needs; the rest loads on first use (src/router.ts,
// src/index.ts): the other services, the emulator's own routes (console, events, logs, /_local), the
// stack engine and each resource type it creates, the state commands, and each CodePipeline operation's
// own module. scripts/startModules.ts lists what a start loads.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startModules } from '../scripts/startModules.js';
import { SERVICES, type ServiceDeps } from '../src/router.js';
import { ProvisionerRegistry } from '../src/stacks/provisioners.js';

const loadedAtStart = startModules(path.resolve('src'), 'main.ts');
const p = (...parts: string[]) => path.join(...parts);

describe('what a start loads', () => {
  it('the CodePipeline API, its store and the engine, and none of the parts loaded on first use', () => {
    for (const m of ['index.ts', 'router.ts', p('services', 'codepipeline', 'index.ts'), p('store', 'index.ts'), p('engine', 'engine.ts')]) expect(loadedAtStart).toContain(m);
    const onFirstUse = loadedAtStart.filter(
      (m) =>
        m === 'server.ts' ||
        m.startsWith(`console${path.sep}`) ||
        m === p('local', 'stateCli.ts') ||
        m === p('local', 'routes.ts') ||
        m === p('services', 's3', 'handler.ts') ||
        m === p('services', 'cloudformation', 'runner.ts') ||
        m === p('providers', 'deploy', 'cloudformation.ts') ||
        (m.startsWith(`stacks${path.sep}`) && ![p('stacks', 'documents.ts'), p('stacks', 'provisioners.ts'), p('stacks', 'resources', 'index.ts')].includes(m)) ||
        (m.startsWith(p('services', 'codepipeline', 'operations') + path.sep) && m !== p('services', 'codepipeline', 'operations', 'index.ts')) ||
        ['codebuild', 'secretsmanager', 'sts'].some((s) => m.startsWith(p('services', s) + path.sep)) ||
        /^services.(ssm|cloudformation|codebuild).model/.test(m),
    );
    expect(onFirstUse).toEqual([]);
  });
});

describe('services loaded on their first request', () => {
  it("are routed by their own model's names", async () => {
    for (const route of SERVICES) {
      const service = await route.load({ provisioners: new ProvisionerRegistry() } as unknown as ServiceDeps);
      const names = (s: typeof route | typeof service) => ({
        name: s.name,
        signingName: s.signingName,
        protocol: s.protocol,
        ...(s.protocol === 'json' ? { targetPrefix: s.targetPrefix } : { apiVersion: s.apiVersion }),
      });
      expect(names(route)).toEqual(names(service));
    }
  });
});
