// Artifact stores: exactly one of artifactStore / artifactStores; with artifactStores, a store for
// the pipeline's region and for every region an action runs in; cross-region actions need them.
import type { Ctx } from '../context.js';
import { actionsOf, structure, type Declaration } from './walk.js';

export function checkArtifactStores(ctx: Ctx, decl: Declaration): void {
  const stores = decl.artifactStores;
  if (decl.artifactStore && stores) throw structure('Pipeline cannot contain both artifactStore and artifactStores. Specify only one of them');
  if (!decl.artifactStore && !stores) throw structure('Pipeline must contain either artifactStore or artifactStores');
  const crossRegion = actionsOf(decl).filter(({ action }) => action.region && action.region !== ctx.region);
  if (!stores) {
    const first = crossRegion[0];
    if (first)
      throw structure(`Action '${first.action.name}' in stage '${first.stage.name}' runs in region '${first.action.region}'. Cross-region actions require artifactStores with an artifact store for each region`);
    return;
  }
  if (!stores[ctx.region]) throw structure(`artifactStores must contain an artifact store for the pipeline region '${ctx.region}'`);
  for (const { stage, action } of crossRegion)
    if (!stores[action.region!])
      throw structure(`Action '${action.name}' in stage '${stage.name}' runs in region '${action.region}', which has no artifact store in artifactStores`);
}
