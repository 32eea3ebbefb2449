// Execution declarations, parsed once per text. The engine reads a pipeline's active executions on
// every pass of an advance and the API reads one on every GetPipelineExecution, and the executions of
// a pipeline mostly hold the same declaration text: parsing it each time was most of a read's cost.
// Objects are shared between readers, so they are frozen (deep): a change through one reader would
// show in every other, and a frozen object refuses it loudly instead.
import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';

/** Distinct texts kept (the least recently used goes first). */
const MAX_TEXTS = 64;
const byText = new Map<string, PipelineDeclaration>();

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

export function parsedDeclaration(text: string): PipelineDeclaration {
  let decl = byText.get(text);
  if (decl) {
    byText.delete(text);
  } else {
    decl = deepFreeze(JSON.parse(text) as PipelineDeclaration);
    if (byText.size >= MAX_TEXTS) byText.delete(byText.keys().next().value!);
  }
  byText.set(text, decl);
  return decl;
}
