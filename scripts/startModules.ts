// The modules a start loads before it can answer (npx tsx scripts/startModules.ts): the closure of the
// entry's static value imports under src/ (type-only imports are erased, import() is loaded on first use).
// Every module in it costs start time and idle memory; conformance/startModules.test.ts keeps the parts
// that load on first use (the other services, the emulator's own routes, the stack engine) out of it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const STATIC = /^\s*(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** The modules `entry` (a path under `dir`) loads statically, itself included, as paths relative to `dir`. */
export function startModules(dir: string, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(STATIC)) {
      if (m[1] || !m[2].startsWith('.')) continue;
      const target = path.join(path.dirname(file), m[2].replace(/\.js$/, '.ts'));
      if (target.endsWith('.ts')) visit(target);
    }
  };
  visit(entry);
  return [...seen].sort();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const modules = startModules(path.resolve('src'), process.argv[2] ?? 'main.ts');
  const byFolder = new Map<string, number>();
  for (const m of modules) {
    const folder = m.split(path.sep).slice(0, m.startsWith('services') ? 2 : 1).join('/');
    byFolder.set(folder, (byFolder.get(folder) ?? 0) + 1);
  }
  for (const [folder, n] of [...byFolder].sort((a, b) => b[1] - a[1])) console.log(String(n).padStart(4), folder);
  console.log(`${modules.length} modules under src/ load at start`);
}
