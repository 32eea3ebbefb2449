// A pipeline declaration's JSON, made once when one handler stores the same object several times
// (CreatePipeline: the pipeline, its first version and its first execution). Only the last object
// is remembered, and only until the current synchronous turn ends, so a later change to it is
// never hidden by a stale string.
let last: { decl: object; json: string } | undefined;

export function declarationJson(decl: object): string {
  if (last?.decl === decl) return last.json;
  const json = JSON.stringify(decl);
  if (!last) queueMicrotask(() => (last = undefined));
  last = { decl, json };
  return json;
}
