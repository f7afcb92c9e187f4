/**
 * The environments this app synthesizes, one stack each. To add one, write
 * `environments/<name>.ts` and list it here.
 */
import { production } from './production';
import { staging } from './staging';

export const ENVIRONMENTS: Readonly<Record<string, unknown>> = { staging, production };

export * from './schema';
