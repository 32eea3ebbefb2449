// No import circles under src/ (scripts/importCycles.ts), type-only imports included.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCycles, importGraph } from '../scripts/importCycles.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cycles-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'src-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('import circles', () => {
  it('src/ has none', () => {
    expect(importCycles(importGraph(path.resolve('src')))).toEqual([]);
  });

  it('a circle through a type-only import, a re-export or a multi-line import is found; a chain is not a circle', () => {
    const dir = tree({
      'engine/engine.ts': "import { a } from './conditions.js';\nexport class Engine {}\n",
      'engine/conditions.ts': "import type { Engine } from './engine.js';\nexport const a = 1;\n",
      'x.ts': "export * from './y.js';\n",
      'y.ts': "import {\n  type X,\n  z,\n} from './x.js';\n",
      'chain/a.ts': "import { b } from './b.js';\n",
      'chain/b.ts': "import { c } from '../chain/c.js';\nimport fs from 'node:fs';\n",
      'chain/c.ts': "// import { a } from './a.js';\nexport const c = 1;\n",
      'chain/c.test.ts': "import { a } from './a.js';\n",
    });
    expect(importCycles(importGraph(dir))).toEqual([
      [path.join('engine', 'conditions.ts'), path.join('engine', 'engine.ts')],
      ['x.ts', 'y.ts'],
    ]);
  });
});
