/**
 * The AWS facts the environment checks rely on, one definition each, with where it came
 * from. The schema (environments/schema/) checks values against them and the generated
 * reference (docs/environment-checks.md) cites the same sources.
 *
 * What a region offers (RDS instance classes for PostgreSQL, ElastiCache node types) is an input
 * of validation, so it is source, never a file looked up at run time: the AWS Price List's lists
 * of a region, recorded in lib/aws-offerings.ts by `npm run cost:refresh`, or, for a region not
 * recorded there, the documented lists below (offeredInRegion).
 */
import { PRICE_LIST_OFFERINGS } from './aws-offerings';

/** A fact, with its source. */
export interface Sourced<T> {
  readonly value: T;
  /** Where the fact comes from: a document, with the date it was read. */
  readonly source: string;
}

/**
 * AWS commercial regions (partition `aws`) and the letters of their availability zones. Zone
 * names map to different physical zones per account and some accounts see only some letters
 * (us-west-1: two of a, b, c); every letter any account can see is listed.
 */
export const AWS_REGIONS: Sourced<Readonly<Record<string, string>>> = {
  value: {
    'af-south-1': 'abc',
    'ap-east-1': 'abc',
    'ap-northeast-1': 'abcd',
    'ap-northeast-2': 'abcd',
    'ap-northeast-3': 'abc',
    'ap-south-1': 'abc',
    'ap-south-2': 'abc',
    'ap-southeast-1': 'abc',
    'ap-southeast-2': 'abc',
    'ap-southeast-3': 'abc',
    'ap-southeast-4': 'abc',
    'ap-southeast-5': 'abc',
    'ap-southeast-7': 'abc',
    'ca-central-1': 'abd',
    'ca-west-1': 'abc',
    'eu-central-1': 'abc',
    'eu-central-2': 'abc',
    'eu-north-1': 'abc',
    'eu-south-1': 'abc',
    'eu-south-2': 'abc',
    'eu-west-1': 'abc',
    'eu-west-2': 'abc',
    'eu-west-3': 'abc',
    'il-central-1': 'abc',
    'me-central-1': 'abc',
    'me-south-1': 'abc',
    'mx-central-1': 'abc',
    'sa-east-1': 'abc',
    'us-east-1': 'abcdef',
    'us-east-2': 'abc',
    'us-west-1': 'abc',
    'us-west-2': 'abcd',
  },
  source:
    'AWS documentation, "Regions and Zones" (docs.aws.amazon.com/global-infrastructure/latest/regions), read 2026-12; limited to the regions ' +
    'the pinned hashicorp/aws 5.100.0 provider knows (its endpoint data; later regions need a provider upgrade first)',
};

/**
 * Partitions other than `aws` (China `cn-*`, GovCloud `us-gov-*`, ISO) use other ARN prefixes and
 * endpoints; this project builds `arn:aws:` ARNs (constructs/iam.ts, lib/arns.ts), so it refuses them.
 */
export const OTHER_PARTITION_REGION = /^(cn|us-gov|us-iso[a-z]?)-[a-z]+-\d$/;

/** The availability zone names of a region, or undefined for a region not in AWS_REGIONS. */
export function regionZones(region: string): string[] | undefined {
  const letters = AWS_REGIONS.value[region];
  return letters === undefined ? undefined : [...letters].map((l) => `${region}${l}`);
}

/** `family: sizes` -> `db.family.size` (or `cache.family.size`) for every size. */
function expand(prefix: string, families: Readonly<Record<string, string>>): string[] {
  return Object.entries(families).flatMap(([family, sizes]) => sizes.split(' ').map((size) => `${prefix}.${family}.${size}`));
}

const XL_TO_16 = 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge';
const XL_TO_24 = 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge';
const XL_TO_32 = 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge';
const XL_TO_48 = 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge';
const BURSTABLE = 'micro small medium large xlarge 2xlarge';

/**
 * Current-generation DB instance classes RDS offers for PostgreSQL 13 and later (the versions
 * lib/engines.ts accepts). Previous-generation classes (db.t2, db.m4, db.r4, ...) are not offered
 * for these versions.
 */
export const RDS_POSTGRES_INSTANCE_CLASSES: Sourced<readonly string[]> = {
  value: expand('db', {
    t3: BURSTABLE,
    t4g: BURSTABLE,
    m5: XL_TO_24,
    m5d: XL_TO_24,
    m6g: XL_TO_16,
    m6gd: XL_TO_16,
    m6i: XL_TO_32,
    m6id: XL_TO_32,
    m6idn: XL_TO_32,
    m6in: XL_TO_32,
    m7g: XL_TO_16,
    m7i: XL_TO_48,
    m8g: XL_TO_48,
    r5: XL_TO_24,
    r5b: XL_TO_24,
    r5d: XL_TO_24,
    r6g: XL_TO_16,
    r6gd: XL_TO_16,
    r6i: XL_TO_32,
    r6id: XL_TO_32,
    r6idn: XL_TO_32,
    r6in: XL_TO_32,
    r7g: XL_TO_16,
    r7i: XL_TO_48,
    r8g: XL_TO_48,
    x2g: XL_TO_16,
    x2idn: '16xlarge 24xlarge 32xlarge',
    x2iedn: 'xlarge 2xlarge 4xlarge 8xlarge 16xlarge 24xlarge 32xlarge',
    x2iezn: '2xlarge 4xlarge 6xlarge 8xlarge 12xlarge',
  }),
  source:
    'AWS documentation, Amazon RDS User Guide, "Supported DB engines for DB instance classes" (PostgreSQL column), read 2026-12; ' +
    'for a region recorded in lib/aws-offerings.ts, the AWS Price List lists recorded there replace it (npm run cost:refresh)',
};

/**
 * Current-generation ElastiCache node types for Redis OSS. Burstable families stop at medium;
 * previous-generation types (cache.t2, cache.m4, cache.r4, ...) are not offered in every region
 * and are refused (project rule, see docs/environment-checks.md).
 */
export const ELASTICACHE_NODE_TYPES: Sourced<readonly string[]> = {
  value: expand('cache', {
    t3: 'micro small medium',
    t4g: 'micro small medium',
    m5: 'large xlarge 2xlarge 4xlarge 12xlarge 24xlarge',
    m6g: XL_TO_16,
    m7g: XL_TO_16,
    r5: 'large xlarge 2xlarge 4xlarge 12xlarge 24xlarge',
    r6g: XL_TO_16,
    r6gd: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
    r7g: XL_TO_16,
    c7gn: XL_TO_16,
  }),
  source:
    'AWS documentation, Amazon ElastiCache User Guide, "Supported node types" (current generation), read 2026-12; ' +
    'for a region recorded in lib/aws-offerings.ts, the AWS Price List lists recorded there replace it (npm run cost:refresh)',
};

/** What the Price List says one region offers (recorded in lib/aws-offerings.ts by `npm run cost:refresh`). */
export interface RegionOfferings {
  readonly region: string;
  /** Where the lists come from: the offer files, their versions and publication dates. */
  readonly source: string;
  /** Current-generation RDS instance classes for PostgreSQL (single-AZ or Multi-AZ), sorted. */
  readonly rdsPostgresInstanceClasses: readonly string[];
  /** Current-generation ElastiCache node types for Redis OSS, sorted. */
  readonly elasticacheRedisNodeTypes: readonly string[];
}

/** The Price List offerings recorded per region (lib/aws-offerings.ts); the key is the region. */
export type RecordedOfferings = Readonly<Record<string, RegionOfferings>>;

/** The committed offerings the environment checks use. */
export const RECORDED_OFFERINGS: RecordedOfferings = PRICE_LIST_OFFERINGS;

/**
 * The instance classes (or node types) offered in a region, and where the list comes from. The
 * rule: a region with recorded Price List offerings is checked against them (`regional: true`);
 * any other region, or no region, against the documented list (RDS_POSTGRES_INSTANCE_CLASSES,
 * ELASTICACHE_NODE_TYPES). `recorded` is an argument so that tests can give other offerings;
 * validation always uses the committed ones.
 */
export function offeredInRegion(
  kind: 'rds' | 'elasticache',
  region: string | undefined,
  recorded: RecordedOfferings = RECORDED_OFFERINGS,
): Sourced<readonly string[]> & { readonly regional: boolean } {
  const regional = region === undefined || !Object.hasOwn(recorded, region) ? undefined : recorded[region];
  if (regional) {
    return {
      value: kind === 'rds' ? regional.rdsPostgresInstanceClasses : regional.elasticacheRedisNodeTypes,
      source: regional.source,
      regional: true,
    };
  }
  return { ...(kind === 'rds' ? RDS_POSTGRES_INSTANCE_CLASSES : ELASTICACHE_NODE_TYPES), regional: false };
}

/** The key words PostgreSQL reserves, "reserved" and "reserved (can be function or type)" (PostgreSQL 17, Appendix C). */
const POSTGRES_RESERVED_KEY_WORDS: readonly string[] = [
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'authorization', 'binary', 'both', 'case', 'cast',
  'check', 'collate', 'collation', 'column', 'concurrently', 'constraint', 'create', 'cross', 'current_catalog', 'current_date',
  'current_role', 'current_schema', 'current_time', 'current_timestamp', 'current_user', 'default', 'deferrable', 'desc', 'distinct',
  'do', 'else', 'end', 'except', 'false', 'fetch', 'for', 'foreign', 'freeze', 'from', 'full', 'grant', 'group', 'having', 'ilike', 'in',
  'initially', 'inner', 'intersect', 'into', 'is', 'isnull', 'join', 'lateral', 'leading', 'left', 'like', 'limit', 'localtime',
  'localtimestamp', 'natural', 'not', 'notnull', 'null', 'offset', 'on', 'only', 'or', 'order', 'outer', 'overlaps', 'placing',
  'primary', 'references', 'returning', 'right', 'select', 'session_user', 'similar', 'some', 'symmetric', 'system_user', 'table',
  'tablesample', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'verbose', 'when', 'where',
  'window', 'with',
];

/**
 * Names RDS for PostgreSQL refuses as master user name (compared case-insensitively; PostgreSQL
 * folds unquoted names to lower case): RDS's own `admin` and `rds*` roles, PostgreSQL's reserved
 * role names, and the SQL key words PostgreSQL reserves. Names starting with `pg_` are reserved too.
 */
export const POSTGRES_RESERVED_USER_NAMES: Sourced<readonly string[]> = {
  value: [
    'admin',
    'rdsadmin',
    'rdsrepladmin',
    'rds_superuser',
    'rds_replication',
    'rds_password',
    'rds_iam',
    'rds_ad',
    'public',
    'none',
    ...POSTGRES_RESERVED_KEY_WORDS,
  ],
  source:
    'Amazon RDS User Guide, "Naming constraints in Amazon RDS" (master user name: not a word reserved by the engine; RDS answers ' +
    '"MasterUsername admin cannot be used as it is a reserved word used by the engine"), PostgreSQL 17 documentation, Appendix C ' +
    '"SQL Key Words" and "Predefined Roles" (pg_ prefix, public, none), read 2026-12',
};

/** Why RDS refuses `name` as PostgreSQL master user name, or undefined. */
export function reservedUserNameProblem(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower.startsWith('pg_')) return 'PostgreSQL reserves role names starting with pg_';
  if (POSTGRES_RESERVED_USER_NAMES.value.includes(lower)) return `"${lower}" is a name RDS for PostgreSQL reserves`;
  return undefined;
}

/** Database names that already exist on every RDS for PostgreSQL instance, plus PostgreSQL's reserved key words. */
export function reservedDatabaseNameProblem(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (['rdsadmin', 'template0', 'template1'].includes(lower)) return `"${lower}" already exists on every RDS for PostgreSQL instance`;
  return POSTGRES_RESERVED_KEY_WORDS.includes(lower) ? `"${lower}" is a key word PostgreSQL reserves` : undefined;
}

/** How one RDS storage type treats provisioned IOPS and throughput (PostgreSQL). */
export interface StorageTypeRule {
  /** Allocated storage range, GiB. */
  readonly storage: readonly [number, number];
  /** Whether `iops` is required, optional (from `provisionedFromGiB` on) or not accepted. */
  readonly iops: 'required' | 'optional' | 'refused';
  /** Provisioned IOPS range. */
  readonly iopsRange?: readonly [number, number];
  /** IOPS per GiB of allocated storage. */
  readonly iopsPerGiB?: readonly [number, number];
  /** Whether `storageThroughput` (MiB/s) may be set, and its range. */
  readonly throughputRange?: readonly [number, number];
  /** For gp3: IOPS and throughput can be set only from this storage size on. */
  readonly provisionedFromGiB?: number;
}

/** RDS for PostgreSQL storage types and the settings each requires. */
export const RDS_STORAGE_TYPES: Sourced<Readonly<Record<'gp2' | 'gp3' | 'io1' | 'io2', StorageTypeRule>>> = {
  value: {
    gp2: { storage: [20, 65536], iops: 'refused' },
    gp3: { storage: [20, 65536], iops: 'optional', provisionedFromGiB: 400, iopsRange: [12000, 64000], throughputRange: [500, 4000] },
    io1: { storage: [100, 65536], iops: 'required', iopsRange: [1000, 256000], iopsPerGiB: [0.5, 50] },
    io2: { storage: [100, 65536], iops: 'required', iopsRange: [1000, 256000], iopsPerGiB: [0.5, 1000] },
  },
  source:
    'Amazon RDS User Guide, "Amazon RDS DB instance storage" (gp3: 3,000 IOPS and 125 MiB/s included below 400 GiB for PostgreSQL, ' +
    'where RDS refuses explicit values; io1/io2: IOPS required), and RDS API Reference, CreateDBInstance Iops, read 2026-12',
};
