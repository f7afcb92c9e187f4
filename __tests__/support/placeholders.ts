/**
 * What a user does after `npm run env:new`: set the placeholders it left (the domains and CORS
 * origins of the application section) to real values for the environment `name`. Kept apart from
 * helpers.ts so that tests which do not synthesize need not load cdktf.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function withPlaceholdersSet<T extends Record<string, any>>(config: T, name: string): T {
  const copy = structuredClone(config);
  Object.assign(copy.application, {
    domain: `${name}.example.com`,
    backendDomain: `api.${name}.example.com`,
    frontendHost: `https://dashboard.${name}.example.com`,
    backendCorsOrigins: [`https://dashboard.${name}.example.com`],
  });
  return copy;
}
