// The package's root folder (package.json, console/). Found from this module's own place, one level
// below the root wherever it runs: src/ (tsx), dist/ (tsc's output), and the bundle, dist/cli.cjs,
// in which every module's import.meta.url is the bundle's (scripts/bundle.ts).
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
