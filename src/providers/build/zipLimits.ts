// Limits on what an input artifact (a zip) may expand to, checked from its central directory before
// anything is inflated: a tiny zip that claims gigabytes (a zip bomb) fails the action clearly
// instead of exhausting the emulator's memory or disk. fflate inflates each entry into a buffer of
// the size the directory declares and never past it, so the declared sizes bound what is written.
import { lazyRequire } from '../../util/lazyRequire.js';

const fflate = lazyRequire<typeof import('fflate')>('fflate');

/** At most this many bytes of files in one input artifact. */
export const MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024;
/** At most this many entries in one input artifact. */
export const MAX_ZIP_ENTRIES = 200_000;

export class ZipLimitError extends Error {}

const n = (v: number) => v.toLocaleString('en-US');

/**
 * Throws ZipLimitError when the zip's entries claim more than MAX_UNZIPPED_BYTES (or MAX_ZIP_ENTRIES
 * entries). Other problems (not a zip at all) are left to the reader.
 */
export function checkZipLimits(zip: Uint8Array, artifactName: string) {
  let total = 0;
  let entries = 0;
  try {
    fflate().unzipSync(zip, {
      filter: (f) => {
        total += f.originalSize;
        entries++;
        return false; // Sizes only: nothing is inflated here.
      },
    });
  } catch {
    return;
  }
  if (total > MAX_UNZIPPED_BYTES)
    throw new ZipLimitError(
      `the input artifact ${artifactName} expands to more than ${n(MAX_UNZIPPED_BYTES)} bytes (its entries claim ${n(total)} bytes): refusing to extract it`,
    );
  if (entries > MAX_ZIP_ENTRIES)
    throw new ZipLimitError(`the input artifact ${artifactName} has ${n(entries)} entries, more than the ${n(MAX_ZIP_ENTRIES)} codepipeline-local extracts`);
}
