/** Where the cost estimator finds its data, from source (lib/cost) or compiled (dist/lib/cost). */
import path from 'node:path';
import { PROJECT_ROOT } from '../project-root';

export { PROJECT_ROOT };

/** Folder of the per-environment usage files. */
export const USAGE_DIR = path.join(PROJECT_ROOT, 'environments', 'usage');
