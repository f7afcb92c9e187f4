/**
 * The layers, checked by `npm run lint:layers` and __tests__/repository/layers.test.ts (dependency-cruiser).
 *
 *   environments/  data and schema        (top: may import everything below)
 *   stacks/        the stacks and the app  (may import constructs/ and lib/)
 *   constructs/    one per legacy module   (may import lib/)
 *   lib/           helpers                 (names, addresses, policy engine, AWS facts: imports nothing above)
 *
 * Beside them, depending only downward: tooling/ (Terraform runner, cost, diagram, docs
 * generators) may import the layers; scripts/ (the npm commands) may import tooling/ and the
 * layers; main.ts is the entry point. No layer imports tooling/ or scripts/, tooling/ never
 * imports scripts/, and nothing but tests imports __tests__/.
 */
const LAYERS = ['lib', 'constructs', 'stacks', 'environments'];

const layerRules = LAYERS.map((layer, i) => ({
  name: `${layer}-imports-only-downward`,
  comment: `${layer}/ may import only ${LAYERS.slice(0, i + 1).join(', ')} (the layers below it), never ${[...LAYERS.slice(i + 1), 'tooling', 'scripts', 'main.ts'].join(', ')}`,
  severity: 'error',
  from: { path: `^${layer}/` },
  to: { path: `^(${[...LAYERS.slice(i + 1), 'tooling', 'scripts', '__tests__'].join('|')})/|^main\\.ts$` },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'tooling-never-imports-scripts',
      comment: 'tooling/ is the library the npm commands in scripts/ use, never the other way round',
      severity: 'error',
      from: { path: '^tooling/' },
      to: { path: '^(scripts|__tests__)/|^main\\.ts$' },
    },
    {
      name: 'scripts-never-import-tests',
      comment: 'only tests import __tests__/',
      severity: 'error',
      from: { path: '^(scripts/|main\\.ts$)' },
      to: { path: '^__tests__/' },
    },
    {
      name: 'no-circular',
      comment: 'a cycle between files makes the import order (and so the construct order) fragile',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // `import type` counts: a type import that points up is a layer crossing too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|cdktf\\.out|\\.cache)/' },
    includeOnly: '^(main\\.ts|environments|stacks|constructs|lib|tooling|scripts)(/|$)',
  },
};
