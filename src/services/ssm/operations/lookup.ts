// Reads a parameter the way GetParameter and GetParameters name it (a name or ARN, and a :version or :label selector).
import type { ParameterVersion } from '../../../parameters/store.js';
import type { Ctx } from '../context.js';
import { readReference } from '../parameterNames.js';

export type Found = { parameter: ParameterVersion; selector?: string } | { missing: 'parameter' } | { missing: 'version'; name: string; version: number } | { missing: 'label' };

export function lookUp(ctx: Ctx, raw: string): Found {
  const ref = readReference(ctx, raw);
  for (const name of ref.names) {
    const latest = ctx.store.parameters.get(ctx, name);
    if (!latest) continue;
    if (ref.version !== undefined) {
      const v = ctx.store.parameters.get(ctx, name, ref.version);
      return v ? { parameter: v, selector: ref.selector } : { missing: 'version', name, version: ref.version };
    }
    if (ref.label !== undefined) {
      const v = ctx.store.parameters.history(ctx, name).find((p) => p.labels.includes(ref.label!));
      return v ? { parameter: v, selector: ref.selector } : { missing: 'label' };
    }
    return { parameter: latest };
  }
  return { missing: 'parameter' };
}
