/**
 * Usage files: the quantities a plan cannot know (GB processed, GB of logs, LCUs,
 * API calls), one YAML file per environment in `cost/usage/<env>.yaml`,
 * in the spirit of infracost's usage file:
 *
 *   version: 1
 *   resource_type_default_usage:      # applies to every resource of the type
 *     aws_nat_gateway:
 *       monthly_data_processed_gb: 20
 *   resource_usage:                   # per resource address; wins over the type default
 *     aws_cloudwatch_log_group.ecs_backend:
 *       monthly_data_ingested_gb: 5
 *
 * Every key is documented in USAGE_KEYS; a key that is not set counts as 0.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { PROJECT_ROOT, USAGE_DIR } from '../paths';

/** The usage keys of each resource type, with what each one means. */
export const USAGE_KEYS = {
  aws_nat_gateway: {
    monthly_data_processed_gb: 'GB a month processed by this NAT gateway (both directions)',
  },
  aws_lb: {
    lcu_per_hour: 'average load balancer capacity units (LCU) consumed per hour',
    monthly_data_transfer_out_gb: 'GB a month sent from the load balancer to the internet',
    public_ipv4_addresses: 'public IPv4 addresses of an internet-facing load balancer (default: one per subnet/AZ)',
  },
  aws_cloudwatch_log_group: {
    monthly_data_ingested_gb: 'GB of log events ingested a month (ignored for a flow-log destination: the flow log carries it)',
    storage_gb: 'GB stored on average; default: a month of ingestion kept for the retention period',
  },
  aws_flow_log: {
    monthly_data_ingested_gb: 'GB of flow-log records delivered a month',
  },
  aws_db_instance: {
    additional_backup_storage_gb: 'GB of backup storage beyond the free amount (equal to the provisioned storage)',
    enhanced_monitoring_kb_per_sample: 'KB of RDSOSMetrics log data per enhanced-monitoring sample',
    monthly_exported_logs_gb: 'GB a month of database logs exported to CloudWatch Logs (enabled_cloudwatch_logs_exports)',
  },
  aws_ecs_cluster: {
    container_insights_metrics: 'CloudWatch metrics Container Insights publishes for the cluster, its services and tasks',
  },
  aws_vpc_endpoint: {
    monthly_data_processed_gb: 'GB a month processed by an interface endpoint',
  },
  aws_secretsmanager_secret: {
    monthly_api_requests: 'Secrets Manager API calls a month (GetSecretValue at task start, rotations)',
  },
  aws_s3_bucket: {
    storage_gb: 'GB stored (S3 Standard)',
  },
  aws_dynamodb_table: {
    storage_gb: 'GB stored (also the size continuous backups are billed on)',
    monthly_write_request_units: 'write request units a month (on-demand tables)',
    monthly_read_request_units: 'read request units a month (on-demand tables)',
  },
} as const satisfies Record<string, Record<string, string>>;

export type UsageType = keyof typeof USAGE_KEYS;
export type UsageKey<T extends UsageType> = keyof (typeof USAGE_KEYS)[T] & string;

function isUsageType(type: string): type is UsageType {
  return Object.prototype.hasOwnProperty.call(USAGE_KEYS, type);
}

const quantity = z.number({ message: 'must be a number' }).nonnegative({ message: 'must be a number >= 0' });

function keysSchema(type: UsageType) {
  return z.object(Object.fromEntries(Object.keys(USAGE_KEYS[type]).map((k) => [k, quantity.optional()]))).strict();
}

const typeDefaultsSchema = z
  .object(Object.fromEntries((Object.keys(USAGE_KEYS) as UsageType[]).map((t) => [t, keysSchema(t).optional()])))
  .strict();

const ADDRESS = /^(module\.[A-Za-z0-9_-]+(\[[^\]]+\])?\.)*([a-z0-9_]+)\.[A-Za-z0-9_-]+(\[[^\]]+\])?$/;

const usageFileSchema = z
  .object({
    version: z.literal(1, { message: 'must be 1' }),
    resource_type_default_usage: typeDefaultsSchema.optional(),
    resource_usage: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  })
  .strict();

/** Thrown for an invalid usage file; the message lists every problem with its path and value. */
export class UsageFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`Usage file ${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'UsageFileError';
  }
}

/** Where a usage value comes from, for the estimate's lines. */
export interface UsageValue {
  readonly value: number;
  /** False when neither the resource nor its type has the key (value 0). */
  readonly set: boolean;
  /** e.g. `staging.yaml resource_usage.aws_lb.alb_main.lcu_per_hour`, or `not set (0)`. */
  readonly from: string;
}

export interface Usage {
  /** Display name of the file (relative path), or `(none)`. */
  readonly file: string;
  readonly typeDefaults: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly byAddress: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** No usage file: every usage quantity is 0. */
export const NO_USAGE: Usage = { file: '(none)', typeDefaults: {}, byAddress: {} };

function render(value: unknown): string {
  return value === undefined ? '(missing)' : JSON.stringify(value);
}

function allowedKeys(type: UsageType): string {
  return Object.keys(USAGE_KEYS[type]).join(', ');
}

/** Validates a parsed usage document. */
export function parseUsage(raw: unknown, file: string): Usage {
  const problems: string[] = [];
  const result = usageFileSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      const at = issue.path.map(String);
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const where = [...at, key].join('.');
          problems.push(
            at.length === 0
              ? `${where}: unknown section; allowed: version, resource_type_default_usage, resource_usage`
              : at.length === 1
                ? `${where}: no usage keys for this resource type; types with usage: ${Object.keys(USAGE_KEYS).join(', ')}`
                : `${where}: unknown usage key; allowed for ${at[1]}: ${allowedKeys(at[1] as UsageType)}`,
          );
        }
      } else {
        problems.push(`${at.join('.') || '(root)'} = ${render((issue as { input?: unknown }).input)}: ${issue.message}`);
      }
    }
    throw new UsageFileError(file, problems);
  }
  const doc = result.data;
  const byAddress: Record<string, Record<string, number>> = {};
  for (const [address, values] of Object.entries(doc.resource_usage ?? {})) {
    const match = ADDRESS.exec(address);
    const type = match?.[3];
    if (!match || !type) {
      problems.push(`resource_usage.${address}: not a resource address such as aws_lb.alb_main`);
      continue;
    }
    if (!isUsageType(type)) {
      problems.push(`resource_usage.${address}: no usage keys for ${type}; types with usage: ${Object.keys(USAGE_KEYS).join(', ')}`);
      continue;
    }
    const checked = keysSchema(type).safeParse(values, { reportInput: true });
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) problems.push(`resource_usage.${address}.${key}: unknown usage key; allowed for ${type}: ${allowedKeys(type)}`);
        } else {
          problems.push(`resource_usage.${address}.${issue.path.join('.')} = ${render((issue as { input?: unknown }).input)}: ${issue.message}`);
        }
      }
      continue;
    }
    byAddress[address] = checked.data as Record<string, number>;
  }
  if (problems.length > 0) throw new UsageFileError(file, problems);
  return { file, typeDefaults: (doc.resource_type_default_usage ?? {}) as Usage['typeDefaults'], byAddress };
}

/** The usage file of an environment, `cost/usage/<env>.yaml`. */
export function usagePath(environment: string): string {
  return path.join(USAGE_DIR, `${environment}.yaml`);
}

/** Reads and validates a usage file. */
export function loadUsage(file: string): Usage {
  const display = path.relative(PROJECT_ROOT, file) || file;
  if (!existsSync(file)) throw new Error(`No usage file at ${display}`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageFileError(display, [`not valid YAML: ${(e as Error).message.split('\n')[0]}`]);
  }
  return parseUsage(raw, display);
}

/** `aws_subnet.a[0]` and `module.m[1].aws_subnet.a` without their instance keys. */
function withoutInstanceKeys(address: string): string {
  return address.replace(/\[[^\]]*\]/g, '');
}

/** One usage quantity of a resource: its own entry, else its type's default, else 0. */
export function usageValue<T extends UsageType>(usage: Usage, type: T, address: string, key: UsageKey<T>): UsageValue {
  const base = path.basename(usage.file);
  for (const candidate of [address, withoutInstanceKeys(address)]) {
    const own = usage.byAddress[candidate]?.[key];
    if (own !== undefined) return { value: own, set: true, from: `${base} resource_usage.${candidate}.${key}` };
  }
  const byType = usage.typeDefaults[type]?.[key];
  if (byType !== undefined) return { value: byType, set: true, from: `${base} resource_type_default_usage.${type}.${key}` };
  return { value: 0, set: false, from: `${key} not set in usage file ${base} (0)` };
}

/** `resource_usage` addresses that are not in a plan (a typo, or a resource another branch adds). */
export function unusedUsageAddresses(usage: Usage, addresses: readonly string[]): string[] {
  const known = new Set(addresses.flatMap((a) => [a, withoutInstanceKeys(a)]));
  return Object.keys(usage.byAddress).filter((a) => !known.has(a));
}
