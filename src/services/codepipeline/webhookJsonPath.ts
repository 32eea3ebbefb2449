// Syntax check for webhook filter JSONPaths. AWS evaluates them with Jayway JsonPath, so this
// follows that library's compiler: a path not starting with '$' is read as '$.' + path, a path may
// not end with '.' or '..', and brackets hold '*', a filter '?(...)', quoted names, indexes or a slice.

const INDEXES = /^-?\d+(\s*,\s*-?\d+)*$/;
const SLICE = /^(-?\d+\s*:\s*-?\d*|-?\d*\s*:\s*-?\d+)$/;
const QUOTED_NAMES = /^('([^'\\]|\\.)*'|"([^"\\]|\\.)*")(\s*,\s*('([^'\\]|\\.)*'|"([^"\\]|\\.)*"))*$/;
const NAME_END = new Set(['.', '[', '(', ' ']);

/** Index just past the bracket or parenthesis group opening at `start`, or -1 when it never closes. */
function groupEnd(p: string, start: number): number {
  const stack: string[] = [];
  for (let i = start; i < p.length; i++) {
    const c = p[i];
    if (c === "'" || c === '"') {
      const close = p.indexOf(c, i + 1);
      if (close < 0) return -1;
      i = close;
    } else if (c === '[' || c === '(') stack.push(c === '[' ? ']' : ')');
    else if (c === ']' || c === ')') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}

function validBracket(inner: string): boolean {
  const s = inner.trim();
  if (s === '*' || INDEXES.test(s) || SLICE.test(s) || QUOTED_NAMES.test(s)) return true;
  // A filter: '?(' expression ')' with something inside; groupEnd has already balanced it.
  return s.startsWith('?(') && s.endsWith(')') && s.slice(2, -1).trim() !== '';
}

export function isValidJsonPath(input: string): boolean {
  let p = input.trim();
  if (!p.startsWith('$')) p = `$.${p}`;
  if (p.endsWith('.')) return false;
  let i = 1;
  while (i < p.length) {
    const c = p[i];
    if (c === ' ') {
      i++;
    } else if (c === '[') {
      const end = groupEnd(p, i);
      if (end < 0 || !validBracket(p.slice(i + 1, end - 1))) return false;
      i = end;
    } else if (c === '.') {
      i += p[i + 1] === '.' ? 2 : 1;
      if (p[i] === '[') continue;
      if (p[i] === '*') {
        i++;
        continue;
      }
      const start = i;
      while (i < p.length && !NAME_END.has(p[i])) i++;
      if (i === start) return false;
      if (p[i] === '(') {
        // A function call such as length(): its arguments must close.
        const end = groupEnd(p, i);
        if (end < 0) return false;
        i = end;
      }
    } else {
      return false;
    }
  }
  return true;
}
