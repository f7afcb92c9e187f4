/** Where the cost estimate finds its data (cost/catalogue/, cost/usage/), from source (cost/) or compiled (dist/cost/). */
import path from 'node:path';
import { PROJECT_ROOT } from '../lib/project-root';

export { PROJECT_ROOT };

/** Folder of the per-environment usage files, `cost/usage/<env>.yaml`. */
export const USAGE_DIR = path.join(PROJECT_ROOT, 'cost', 'usage');
/** Folder of the per-region price catalogues, `cost/catalogue/<region>.json`. */
export const CATALOGUE_DIR = path.join(PROJECT_ROOT, 'cost', 'catalogue');
