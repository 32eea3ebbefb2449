// Artifact flow and namespaces: output names unique in the pipeline, every input produced before it
// is consumed (an earlier stage, or the same stage at a lower runOrder), namespaces unique.
import { actionError, actionsOf, runOrder, type Declaration } from './walk.js';

export function checkArtifacts(decl: Declaration): void {
  const all = actionsOf(decl);
  const producer = new Map<string, { stageIndex: number; runOrder: number }>();
  for (const { stage, stageIndex, action } of all)
    for (const out of action.outputArtifacts ?? []) {
      if (producer.has(out.name))
        throw actionError(`Output artifact name '${out.name}' in action '${action.name}' in stage '${stage.name}' is not unique. Output artifact names must be unique within a pipeline`);
      producer.set(out.name, { stageIndex, runOrder: runOrder(action) });
    }
  for (const { stage, stageIndex, action } of all)
    for (const input of action.inputArtifacts ?? []) {
      const p = producer.get(input.name);
      const before = p && (p.stageIndex < stageIndex || (p.stageIndex === stageIndex && p.runOrder < runOrder(action)));
      if (!before)
        throw actionError(`Input artifact '${input.name}' of action '${action.name}' in stage '${stage.name}' is not the output artifact of an action that runs before it`);
    }
}

export function checkNamespaces(decl: Declaration): void {
  const withNs = actionsOf(decl).filter(({ action }) => action.namespace);
  const count = new Map<string, number>();
  for (const { action } of withNs) count.set(action.namespace!, (count.get(action.namespace!) ?? 0) + 1);
  const dups = withNs.filter(({ action }) => count.get(action.namespace!)! > 1);
  if (dups.length)
    throw actionError(
      'Namespaces must be unique across the pipeline definition. The following occur more than once in the pipeline. ' +
        dups.map(({ stage, action }) => `StageName=[${stage.name}], ActionName=[${action.name}], Namespace=[${action.namespace}]`).join('; '),
    );
}
