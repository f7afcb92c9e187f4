/**
 * The environments this app synthesizes, one stack each. To add one, run
 * `npm run env:new -- <name> --from <env>`: it writes `environments/<name>.ts` and lists it here.
 * The list stays written out (not discovered from the folder): each import is type-checked, and
 * the order, which is the stacks' order, is the one written.
 */
import { production } from './production';
import { staging } from './staging';

export const ENVIRONMENTS: Readonly<Record<string, unknown>> = { staging, production };

export * from './schema';
