/**
 * What the AWS Price List says each region offers: the current-generation RDS instance classes for
 * PostgreSQL and ElastiCache node types for Redis OSS, by region. Written by `npm run cost:refresh`
 * (cost/prices/offerings.ts) from the same offer files as the price catalogue, and committed like
 * any source: the environment checks read it through lib/aws-facts.ts (offeredInRegion), never from
 * disk at run time. A region not listed here is checked against the documented lists of aws-facts.ts.
 * Do not edit by hand: run the refresh.
 */
export const PRICE_LIST_OFFERINGS = {};
