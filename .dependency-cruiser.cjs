/**
 * The layers, checked by `npm run lint:layers` and __tests__/layers.test.ts (dependency-cruiser).
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
 *
 * One narrow allowance (issue 24, "a setting has one home"): constructs/ and stacks/ may import
 * TYPES, and only types (`import type`), from environments/schema/. A construct's settings type is
 * `z.output` of its section's zod schema, so each setting is declared once, in the schema; the
 * import is erased at compile time, so no code of a lower layer runs code of a higher one. A value
 * import from there is refused like any other upward import. For the same reason a cycle that
 * closes only through such a type-only import is not a cycle of the import order.
 */
const LAYERS = ['lib', 'constructs', 'stacks', 'environments'];

/** Where constructs/ and stacks/ may import types from: the zod schemas of the settings. */
const SETTINGS_SCHEMA = '^environments/schema/';
const MAY_IMPORT_SETTINGS_TYPES = ['constructs', 'stacks'];

const layerRules = LAYERS.flatMap((layer, i) => {
  const above = `^(${[...LAYERS.slice(i + 1), 'tooling', 'scripts', '__tests__'].join('|')})/|^main\\.ts$`;
  const rule = {
    name: `${layer}-imports-only-downward`,
    comment: `${layer}/ may import only ${LAYERS.slice(0, i + 1).join(', ')} (the layers below it), never ${[...LAYERS.slice(i + 1), 'tooling', 'scripts', 'main.ts'].join(', ')}`,
    severity: 'error',
    from: { path: `^${layer}/` },
    to: { path: above },
  };
  if (!MAY_IMPORT_SETTINGS_TYPES.includes(layer)) return [rule];
  return [
    { ...rule, to: { path: above, pathNot: SETTINGS_SCHEMA } },
    {
      ...rule,
      comment: `${layer}/ may import only types (import type) from environments/schema/: the settings types derived from the zod schemas`,
      to: { path: SETTINGS_SCHEMA, dependencyTypesNot: ['type-only'] },
    },
  ];
});

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
      // A type-only import is erased at compile time: a cycle closed by one does not order anything.
      to: { circular: true, dependencyTypesNot: ['type-only'], viaOnly: { dependencyTypesNot: ['type-only'] } },
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
