// Finds import circles among the modules under src/ (npx tsx scripts/importCycles.ts). A circle makes
// module load order matter and hides which part depends on which; none is allowed, not even through
// type-only imports: a type that two modules need lives in a third that both import.
// TypeScript 7 has no JavaScript API, so imports are read with a pattern: every `import`/`export ... from`
// that starts a line, and `import('...')`; only relative specifiers count (packages cannot import back).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const STATIC = /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every .ts module under `dir` except tests, with the modules it imports (relative paths from `dir`). */
export function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts')) graph.set(path.relative(dir, p), importsOf(dir, p));
    }
  };
  walk(dir);
  return graph;
}

function importsOf(dir: string, file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out = new Set<string>();
  for (const re of [STATIC, DYNAMIC])
    for (const m of text.matchAll(re)) {
      if (!m[1].startsWith('.')) continue;
      out.add(path.relative(dir, path.join(path.dirname(file), m[1].replace(/\.js$/, '.ts'))));
    }
  return [...out];
}

/** The import circles: each strongly connected group of more than one module, or a module importing itself. */
export function importCycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's strongly connected components (recursive: the depth is at most the module count).
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || graph.get(v)!.includes(v)) cycles.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? 'src');
  const cycles = importCycles(importGraph(dir));
  for (const c of cycles) console.log(`circle: ${c.join(' <-> ')}`);
  if (cycles.length) process.exitCode = 1;
  else console.log(`no import circles under ${path.relative(process.cwd(), dir) || '.'}`);
}
