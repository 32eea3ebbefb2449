// Variable references in action configuration: #{codepipeline.PipelineExecutionId}, #{variables.Name}
// (V2 pipeline variables) and #{Namespace.Name} (output variables of an action with that namespace).

const REFERENCE = /#\{([A-Za-z0-9@\-_]+)\.([A-Za-z0-9@\-_.]+)\}/g;

/** namespace -> variable -> value */
export type VariableScope = Map<string, Record<string, string>>;

export class UnresolvedVariableError extends Error {}

export function resolveString(value: string, scope: VariableScope): string {
  return value.replace(REFERENCE, (ref, ns: string, name: string) => {
    const v = scope.get(ns)?.[name];
    if (v === undefined) throw new UnresolvedVariableError(`Unable to resolve the variable ${ref}: it has not been produced by a previous action or is not defined`);
    return v;
  });
}

/** Resolves every value of a configuration map; throws UnresolvedVariableError naming the first unresolvable reference. */
export function resolveConfiguration(config: Record<string, string>, scope: VariableScope): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) out[k] = resolveString(v, scope);
  return out;
}
