/** scripts/fresh-build.js: what a rebuild leaves in dist/ for sources that are gone. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/temp';

// Plain JavaScript, loaded as the build loads it.
const { pruneOrphans } = require('../../scripts/fresh-build') as { pruneOrphans: (root: string) => void };

describe('pruneOrphans', () => {
  it('removes the output of deleted or moved sources, and keeps the rest', () => {
    const root = tempDir('fresh-build-');
    const files = {
      'environments/schema/index.ts': '',
      'lib/names.ts': '',
      'dist/environments/schema/index.js': '',
      'dist/environments/schema/index.js.map': '',
      // The schema was one file before it became the folder environments/schema/: its old output would shadow the new one.
      'dist/environments/schema.js': '',
      'dist/environments/schema.js.map': '',
      'dist/environments/schema.d.ts': '',
      'dist/lib/names.js': '',
      // A whole folder that moved away.
      'dist/lib/cost/estimate.js': '',
      'dist/.build-stamp': 'abc',
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
    pruneOrphans(root);
    const left = Object.keys(files).filter((f) => existsSync(path.join(root, f)));
    expect(left).toEqual(['environments/schema/index.ts', 'lib/names.ts', 'dist/environments/schema/index.js', 'dist/environments/schema/index.js.map', 'dist/lib/names.js', 'dist/.build-stamp']);
    expect(existsSync(path.join(root, 'dist', 'lib', 'cost'))).toBe(false);
  });
});
