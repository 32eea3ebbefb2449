// An in-memory artifact store for provider tests, used until the emulator has a real one.
import { randomUUID } from 'node:crypto';
import type { ArtifactObjects } from '../src/engine/artifacts.js';
import type { RunningEmulator } from '../src/index.js';

export function memoryArtifacts(): ArtifactObjects {
  const objects = new Map<string, Buffer>();
  return {
    put: async (_account, loc, body) => {
      objects.set(`${loc.bucket}/${loc.key}`, body);
      return { versionId: randomUUID(), etag: randomUUID() };
    },
    get: async (loc) => objects.get(`${loc.bucket}/${loc.key}`),
  };
}

/** Gives the emulator an artifact store when it has none yet. */
export async function ensureArtifacts(emu: RunningEmulator) {
  const probe = await emu.engine.artifacts.put('000000000000', { bucket: 'probe-bucket', key: 'probe' }, Buffer.from('')).then(
    () => true,
    () => false,
  );
  if (!probe) emu.engine.artifacts = memoryArtifacts();
}
