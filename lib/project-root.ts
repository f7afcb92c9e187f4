/** The project folder (the one holding package.json), from source (lib/) or compiled (dist/lib/). */
import path from 'node:path';

const up = path.resolve(__dirname, '..');

/** The project folder, whether this runs from lib/ (ts-jest) or dist/lib/ (npm scripts). */
export const PROJECT_ROOT = path.basename(up) === 'dist' ? path.dirname(up) : up;
