/** Where the cost estimator finds its data, from source (lib/cost) or compiled (dist/lib/cost). */
import path from 'node:path';

const up = path.resolve(__dirname, '..', '..');

/** The project folder (the one holding package.json). */
export const PROJECT_ROOT = path.basename(up) === 'dist' ? path.dirname(up) : up;

/** Folder of the per-environment usage files. */
export const USAGE_DIR = path.join(PROJECT_ROOT, 'environments', 'usage');
