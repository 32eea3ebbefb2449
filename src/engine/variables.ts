// Variable references in action configuration: #{codepipeline.PipelineExecutionId}, #{variables.Name}
// (V2 pipeline variables) and #{Namespace.Name} (output variables of an action with that namespace).

const REFERENCE = /#\{([A-Za-z0-9@\-_]+)\.([A-Za-z0-9@\-_.]+)\}/g;

/** namespace -> variable -> value */
export type VariableScope = Map<string, Record<string, string>>;

/** References no scope could resolve, each once, in the order they appear. */
export class UnresolvedVariableError extends Error {
  constructor(readonly references: string[]) {
    const one = references.length === 1;
    super(
      `Unable to resolve the variable${one ? '' : 's'} ${references.join(', ')}: ${one ? 'it has' : 'they have'} not been produced by a previous action or ${one ? 'is' : 'are'} not defined`,
    );
  }
}

/**
 * AWS's summary for an action whose configuration references a variable nobody produced, followed by
 * the references themselves: AWS names only the action, which leaves a typo to be hunted for.
 */
export function unresolvedActionMessage(actionName: string | undefined, e: UnresolvedVariableError): string {
  return `An action in this pipeline failed because one or more variables could not be resolved: Action name=${actionName}. Unresolved: ${e.references.join(', ')}`;
}

function substitute(value: string, scope: VariableScope, missing: Set<string>): string {
  return value.replace(REFERENCE, (ref, ns: string, name: string) => {
    const v = scope.get(ns)?.[name];
    if (v === undefined) missing.add(ref);
    return v ?? ref;
  });
}

export function resolveString(value: string, scope: VariableScope): string {
  return resolveStrings([value], scope)[0];
}

/** Resolves several values at once; throws UnresolvedVariableError naming every unresolvable reference among them. */
export function resolveStrings(values: string[], scope: VariableScope): string[] {
  const missing = new Set<string>();
  const out = values.map((v) => substitute(v, scope, missing));
  if (missing.size) throw new UnresolvedVariableError([...missing]);
  return out;
}

/** Resolves every value of a configuration map; throws UnresolvedVariableError naming every unresolvable reference. */
export function resolveConfiguration(config: Record<string, string>, scope: VariableScope): Record<string, string> {
  const out: Record<string, string> = {};
  const missing = new Set<string>();
  for (const [k, v] of Object.entries(config)) out[k] = substitute(v, scope, missing);
  if (missing.size) throw new UnresolvedVariableError([...missing]);
  return out;
}
