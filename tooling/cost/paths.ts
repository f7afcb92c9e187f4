/** Where the cost estimator finds its data, from source (tooling/cost) or compiled (dist/tooling/cost). */
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';

export { PROJECT_ROOT };

/** Folder of the per-environment usage files. */
export const USAGE_DIR = path.join(PROJECT_ROOT, 'environments', 'usage');
