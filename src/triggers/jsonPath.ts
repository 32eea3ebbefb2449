// Evaluation of webhook filter JSONPaths (the subset AWS's Jayway-based matcher is used with):
// $ root, .name / ['name'] children, [n] / [a,b] / [s:e] indexes, * wildcards, .. recursive
// descent, and [?(@.a.b == 'x')] filters (==, !=, <, <=, >, >=, =~ /re/, or a bare existence test).
// A path not starting with '$' is read as '$.' + path, as Jayway does.

type Json = unknown;
type Step = (nodes: Json[]) => Json[];

export class JsonPathError extends Error {}

const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const children = (v: Json): Json[] => (Array.isArray(v) ? v : isObj(v) ? Object.values(v) : []);
const child = (name: string) => (v: Json): Json[] => (isObj(v) && Object.hasOwn(v, name) ? [v[name]] : []);

function descendants(v: Json, out: Json[] = []): Json[] {
  out.push(v);
  for (const c of children(v)) descendants(c, out);
  return out;
}

function index(arr: Json, i: number): Json[] {
  if (!Array.isArray(arr)) return [];
  const j = i < 0 ? arr.length + i : i;
  return j >= 0 && j < arr.length ? [arr[j]] : [];
}

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** Splits on a separator outside quotes. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '\\') {
        cur += c + (s[++i] ?? '');
        continue;
      }
      if (c === q) q = undefined;
    } else if (c === "'" || c === '"') q = c;
    else if (c === sep) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

function literal(s: string): Json {
  const t = s.trim();
  if ((t.startsWith("'") && t.endsWith("'")) || (t.startsWith('"') && t.endsWith('"'))) return unquote(t);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  throw new JsonPathError(`unsupported literal '${t}'`);
}

/** An operand of a filter: @.path, $.path or a literal. */
function operand(s: string, current: Json, root: Json): Json[] {
  const t = s.trim();
  if (t.startsWith('@')) return evaluateFrom(current, '$' + t.slice(1));
  if (t.startsWith('$')) return evaluateFrom(root, t);
  return [literal(t)];
}

function compare(op: string, a: Json, b: Json): boolean {
  switch (op) {
    case '==':
      return a === b || (a !== null && b !== null && typeof a !== 'object' && typeof b !== 'object' && String(a) === String(b) && typeof a === typeof b);
    case '!=':
      return !compare('==', a, b);
    case '<':
      return typeof a === typeof b && (a as number) < (b as number);
    case '<=':
      return typeof a === typeof b && (a as number) <= (b as number);
    case '>':
      return typeof a === typeof b && (a as number) > (b as number);
    case '>=':
      return typeof a === typeof b && (a as number) >= (b as number);
  }
  return false;
}

function filterPredicate(expr: string, root: Json): (v: Json) => boolean {
  if (expr.includes('||')) {
    const preds = expr.split('||').map((p) => filterPredicate(p, root));
    return (v) => preds.some((p) => p(v));
  }
  if (expr.includes('&&')) {
    const preds = expr.split('&&').map((p) => filterPredicate(p, root));
    return (v) => preds.every((p) => p(v));
  }
  const re = /^(.*?)\s*(==|!=|<=|>=|=~|<|>)\s*(.*)$/s;
  const m = re.exec(expr.trim());
  if (!m) {
    // Existence test: [?(@.field)]
    return (v) => operand(expr, v, root).length > 0;
  }
  const [, left, op, right] = m;
  if (op === '=~') {
    const rm = /^\/(.*)\/([a-z]*)$/s.exec(right.trim());
    if (!rm) throw new JsonPathError(`unsupported regular expression '${right}'`);
    const regex = new RegExp(rm[1], rm[2].replace(/[^imsu]/g, ''));
    return (v) => operand(left, v, root).some((x) => typeof x === 'string' && regex.test(x));
  }
  return (v) => {
    const ls = operand(left, v, root);
    const rs = operand(right, v, root);
    return ls.some((l) => rs.some((r) => compare(op, l, r)));
  };
}

/** The index just past the bracket group opening at `start`. */
function bracketEnd(p: string, start: number): number {
  let depth = 0;
  for (let i = start; i < p.length; i++) {
    const c = p[i];
    if (c === "'" || c === '"') {
      const close = p.indexOf(c, i + 1);
      if (close < 0) break;
      i = close;
    } else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new JsonPathError(`unbalanced brackets in '${p}'`);
}

function bracketStep(inner: string, root: Json): Step {
  const s = inner.trim();
  if (s === '*') return (nodes) => nodes.flatMap(children);
  if (s.startsWith('?(') && s.endsWith(')')) {
    const pred = filterPredicate(s.slice(2, -1), root);
    return (nodes) => nodes.flatMap((n) => children(n).filter(pred));
  }
  const slice = /^(-?\d*)\s*:\s*(-?\d*)$/.exec(s);
  if (slice) {
    return (nodes) =>
      nodes.flatMap((n) => {
        if (!Array.isArray(n)) return [];
        const norm = (x: string, d: number) => (x === '' ? d : Number(x) < 0 ? Math.max(0, n.length + Number(x)) : Number(x));
        return n.slice(norm(slice[1], 0), norm(slice[2], n.length));
      });
  }
  const parts = splitTop(s, ',').map((x) => x.trim());
  if (parts.every((x) => /^-?\d+$/.test(x))) return (nodes) => nodes.flatMap((n) => parts.flatMap((x) => index(n, Number(x))));
  if (parts.every((x) => /^('.*'|".*")$/s.test(x))) {
    const names = parts.map(unquote);
    return (nodes) => nodes.flatMap((n) => names.flatMap((name) => child(name)(n)));
  }
  throw new JsonPathError(`unsupported bracket expression '[${inner}]'`);
}

function compile(input: string, root: Json): Step[] {
  let p = input.trim();
  if (!p.startsWith('$')) p = `$.${p}`;
  const steps: Step[] = [];
  let i = 1;
  while (i < p.length) {
    const c = p[i];
    if (c === ' ') {
      i++;
    } else if (c === '[') {
      const end = bracketEnd(p, i);
      steps.push(bracketStep(p.slice(i + 1, end - 1), root));
      i = end;
    } else if (c === '.') {
      const deep = p[i + 1] === '.';
      i += deep ? 2 : 1;
      if (deep) steps.push((nodes) => nodes.flatMap((n) => descendants(n)));
      if (p[i] === '[') continue;
      if (p[i] === '*') {
        steps.push((nodes) => nodes.flatMap(children));
        i++;
        continue;
      }
      const start = i;
      while (i < p.length && !'.[( '.includes(p[i])) i++;
      const name = p.slice(start, i);
      if (!name) throw new JsonPathError(`empty name in '${input}'`);
      if (p[i] === '(') {
        // Functions: length() of the current value.
        const end = bracketEnd(p, i);
        if (name !== 'length') throw new JsonPathError(`unsupported function '${name}()'`);
        steps.push((nodes) => nodes.flatMap((n) => (Array.isArray(n) ? [n.length] : typeof n === 'string' ? [n.length] : isObj(n) ? [Object.keys(n).length] : [])));
        i = end;
        continue;
      }
      steps.push((nodes) => nodes.flatMap(child(name)));
    } else {
      throw new JsonPathError(`unexpected '${c}' in '${input}'`);
    }
  }
  return steps;
}

function evaluateFrom(root: Json, path: string): Json[] {
  let nodes: Json[] = [root];
  for (const step of compile(path, root)) nodes = step(nodes);
  return nodes;
}

/** Every value the path selects in `doc` (empty when nothing matches). */
export function evaluateJsonPath(doc: Json, path: string): Json[] {
  return evaluateFrom(doc, path);
}
