/**
 * The name tests use for an environment that does not exist. It is one the schema refuses as an
 * environment name (upper case), so no user can add an environment by that name and turn a test of
 * "unknown environment" into a failure that looks like a product bug (as `qa`, the README's own
 * example, did). environments/load.test.ts checks that the schema refuses it.
 */
export const UNKNOWN_ENVIRONMENT = 'No-Such-Env';
