import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalConfigError, loadLocalConfig } from './localConfig.js';

describe('local configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-config-'));
  const file = path.join(dir, 'cfg.yml');
  fs.writeFileSync(file, 'repositories:\n  app: ./repos/app\n  lib: /srv/lib\nsecrets:\n  parameterStore:\n    /a: one\nsimulate:\n  failDeployments: [Prod]\n');

  it('reads the file, paths relative to it', () => {
    const c = loadLocalConfig('/data', file, {});
    expect(c.source).toBe(file);
    expect(c.repositories).toEqual({ app: path.join(dir, 'repos/app'), lib: '/srv/lib' });
    expect(c.secrets.parameterStore).toEqual({ '/a': 'one' });
    expect(c.simulate.failDeployments).toEqual(['Prod']);
    expect(c.dataDir).toBe('/data');
  });

  it('applies CODEPIPELINE_LOCAL_CONFIG_JSON over the file, entry by entry', () => {
    const env = { CODEPIPELINE_LOCAL_CONFIG_JSON: JSON.stringify({ repositories: { lib: '/opt/lib' }, secrets: { parameterStore: { '/b': 'two' } }, simulate: { failDeployments: ['Canary'] } }) };
    const c = loadLocalConfig('/data', file, env);
    expect(c.repositories).toEqual({ app: path.join(dir, 'repos/app'), lib: '/opt/lib' });
    expect(c.secrets.parameterStore).toEqual({ '/a': 'one', '/b': 'two' });
    expect(c.simulate.failDeployments).toEqual(['Prod', 'Canary']);
  });

  it('rejects a malformed file or override with a clear error', () => {
    const bad = path.join(dir, 'bad.yml');
    fs.writeFileSync(bad, '- a list\n');
    expect(() => loadLocalConfig('/data', bad, {})).toThrow(LocalConfigError);
    expect(() => loadLocalConfig('/data', file, { CODEPIPELINE_LOCAL_CONFIG_JSON: '{nope' })).toThrow('CODEPIPELINE_LOCAL_CONFIG_JSON is not valid JSON');
  });
});
