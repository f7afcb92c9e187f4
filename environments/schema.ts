/**
 * The typed description of one environment, and its validation.
 *
 * Everything that differs between environments lives in an `EnvironmentConfig`.
 * The data files (`staging.ts`, `production.ts`) hold plain values only; this file
 * holds the rules. `validateEnvironmentConfig` is the single entry point: it checks
 * an unknown value against the schema and either returns the typed config or
 * throws one `EnvironmentConfigError` that lists every problem at once.
 */
import { z } from 'zod';
import { NAT_MODES } from '../constructs/vpc';
import { arnAccount, GITHUB_OIDC_PROVIDER_ARN, GITHUB_OIDC_PROVIDER_ARN_HELP } from '../lib/arns';
import {
  AWS_REGIONS,
  OTHER_PARTITION_REGION,
  offeredInRegion,
  RDS_STORAGE_TYPES,
  regionZones,
  reservedDatabaseNameProblem,
  reservedUserNameProblem,
} from '../lib/aws-facts';
import { CIDR_HELP, cidrContains, cidrsOverlap, parseCidr } from '../lib/cidr';
import { BOOTSTRAP_BACKENDS, BOOTSTRAP_NAME, type BootstrapSettings } from '../stacks/bootstrap-stack';
import { IMAGE_REPOSITORY_PATTERN, IMAGE_TAG_PATTERN } from '../stacks/deployment-variables';
import { STATE_LOCKING_MODES, type StateBackendSettings, type StateLockingMode } from '../stacks/state-backend';
import {
  ELASTICACHE_REDIS_VERSIONS,
  isOfferedPostgresVersion,
  isOfferedRedisVersion,
  postgresParameterGroupFamily,
  RDS_POSTGRES_MAJOR_VERSIONS,
  redisParameterGroupFamily,
} from '../lib/engines';
import { nameProblems } from '../lib/names';
import { POLICY_RULE_IDS } from '../lib/policy/rule-ids';

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const cidr = z.string().refine((v) => parseCidr(v) !== undefined, { message: CIDR_HELP });

const subnetCidr = cidr.refine(
  (v) => {
    const range = parseCidr(v);
    return range === undefined || (range.prefix >= 16 && range.prefix <= 28);
  },
  { message: 'must be a subnet CIDR with a prefix between /16 and /28 (the sizes AWS allows for subnets)' },
);

/** Region and zone names: AWS lists them in lower case, and the provider compares them as written. */
const region = z.string().superRefine((v, ctx) => {
  if (AWS_REGIONS.value[v] !== undefined) return;
  const message = OTHER_PARTITION_REGION.test(v.toLowerCase())
    ? 'must be a region of the aws partition: this project builds arn:aws: ARNs, which China and GovCloud regions do not use (project rule)'
    : AWS_REGIONS.value[v.toLowerCase()] !== undefined
      ? `must be written in lower case, ${v.toLowerCase()}: the provider and request signing use the region name as written`
      : `must be an AWS region: ${Object.keys(AWS_REGIONS.value).join(', ')}`;
  ctx.addIssue({ code: 'custom', input: v, message });
});

const AVAILABILITY_ZONE = /^[a-z]{2}-[a-z]+-\d[a-z]$/;
const availabilityZone = z.string().regex(AVAILABILITY_ZONE, { message: 'must be an availability zone name such as ap-southeast-2a' });

const logRetentionDays = z
  .number()
  .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
    message: `must be a retention CloudWatch Logs accepts: one of ${LOG_RETENTION_DAYS.join(', ')}`,
  });

const ACCOUNT_ID = /^\d{12}$/;
const accountId = z.string().regex(ACCOUNT_ID, { message: 'must be a 12-digit AWS account id' });

const positiveInt = (what: string) => z.number().int({ message: `${what} must be a whole number` });

/**
 * A string that AWS reads without regard to case: checked case-insensitively against `pattern`
 * (a lower-case grammar), reported as written, and stored in lower case.
 */
function lowerCased(pattern: RegExp, message: string) {
  return z
    .string()
    .regex(new RegExp(pattern.source, 'i'), { message })
    .transform((v) => v.toLowerCase());
}

/** A daily UTC window, `hh24:mi-hh24:mi`; the times are checked with the other window rules. */
const DAILY_WINDOW = /^\d{2}:\d{2}-\d{2}:\d{2}$/;
/**
 * A weekly UTC window, `ddd:hh24:mi-ddd:hh24:mi`. AWS accepts day names in any case (its documentation
 * writes `Mon`) and the provider stores them in lower case, so they are accepted in any case and stored in lower case.
 */
const WEEKLY_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}-(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}$/;
const dailyWindowSchema = z.string().regex(DAILY_WINDOW, { message: 'must be hh24:mi-hh24:mi' });
const weeklyWindowSchema = lowerCased(WEEKLY_WINDOW, 'must be ddd:hh24:mi-ddd:hh24:mi with ddd one of mon, tue, wed, thu, fri, sat, sun (any case)');

/** RDS instance classes: db.<family>.<size>, e.g. db.t4g.micro, db.r6g.2xlarge. */
const RDS_INSTANCE_CLASS = /^db\.[a-z]+\d+[a-z]*\.(micro|small|medium|large|xlarge|[1-9]\d?xlarge|metal(-\d+xl)?)$/;
const rdsInstanceClass = z.string().regex(RDS_INSTANCE_CLASS, {
  message: 'must be an RDS instance class db.<family>.<size>, e.g. db.t3.micro, db.t4g.small, db.m7g.large or db.r6g.2xlarge',
});

/** ElastiCache node types: cache.<family>.<size>, e.g. cache.t4g.micro, cache.r7g.xlarge. */
const CACHE_NODE_TYPE = /^cache\.[a-z]+\d+[a-z]*\.(micro|small|medium|large|xlarge|[1-9]\d?xlarge)$/;
const cacheNodeType = z.string().regex(CACHE_NODE_TYPE, {
  message: 'must be an ElastiCache node type cache.<family>.<size>, e.g. cache.t3.micro, cache.t4g.small or cache.r7g.large',
});

/** Performance Insights keeps data 7 days (free), a whole number of months (31-day units, up to 23), or 731 days. */
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS = [7, ...Array.from({ length: 23 }, (_, i) => 31 * (i + 1)), 731] as const;

/** Task sizes Fargate offers: CPU units -> the memory sizes (MiB) allowed with them. */
export const FARGATE_TASK_SIZES: Readonly<Record<number, { readonly min: number; readonly max: number; readonly step: number; readonly only?: readonly number[] }>> = {
  256: { min: 512, max: 2048, step: 512, only: [512, 1024, 2048] },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

/** Whether Fargate offers `memory` MiB with `cpu` units. */
export function isFargateTaskSize(cpu: number, memory: number): boolean {
  const size = FARGATE_TASK_SIZES[cpu];
  if (!size) return false;
  if (size.only) return size.only.includes(memory);
  return memory >= size.min && memory <= size.max && (memory - size.min) % size.step === 0;
}

function describeFargateMemory(cpu: number): string {
  const size = FARGATE_TASK_SIZES[cpu];
  return size.only ? size.only.join(', ') : `${size.min}-${size.max} in steps of ${size.step}`;
}

/** How Terraform locks the S3 state (declared by the stack that uses it). */
export { STATE_LOCKING_MODES, type StateLockingMode };

const networkSchema = z
  .object({
    /** The VPC's IPv4 block. */
    vpcCidr: cidr.refine(
      (v) => {
        const range = parseCidr(v);
        return range === undefined || (range.prefix >= 16 && range.prefix <= 28);
      },
      { message: 'must be a VPC CIDR with a prefix between /16 and /28 (the sizes AWS allows for a VPC)' },
    ),
    /** Availability zones, in order; subnet list entry i lives in zone i. */
    availabilityZones: z
      .array(availabilityZone)
      .min(1, { message: 'must list at least one availability zone' })
      .max(6, { message: 'must list at most 6 availability zones' })
      .refine((azs) => new Set(azs).size === azs.length, { message: 'must not list an availability zone twice' }),
    /** One public subnet per availability zone (ALB, NAT gateways). */
    publicSubnetCidrs: z.array(subnetCidr),
    /** One private application subnet per availability zone (ECS tasks). */
    privateAppSubnetCidrs: z.array(subnetCidr),
    /** One private database subnet per availability zone (RDS, ElastiCache); no internet route. */
    privateDbSubnetCidrs: z.array(subnetCidr),
    /** NAT layout for the application subnets. */
    natGateways: z.enum(NAT_MODES, { message: `must be one of ${NAT_MODES.join(', ')}` }),
    /** VPC flow logs to CloudWatch Logs. */
    flowLogs: z.object({
      /** Whether the flow log, its log group, role and policy are created. */
      enabled: z.boolean(),
      /** Retention of the flow-log group. Legacy: 7. */
      retentionDays: logRetentionDays,
    }),
    /** Whether the S3 gateway endpoint is created and attached to the application route tables. */
    s3GatewayEndpoint: z.boolean(),
  })
  .strict();

const githubSchema = z
  .object({
    /** `owner/name` of the GitHub repository whose workflows deploy. */
    repository: z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, { message: 'must be a GitHub repository as owner/name' }),
    /**
     * Whether this stack creates the account-wide GitHub OIDC provider (exactly one stack
     * per AWS account may). When false, the provider ARN comes from `oidcProviderArn` or,
     * if that is unset, from the `github_oidc_provider_arn` Terraform variable.
     */
    createOidcProvider: z.boolean(),
    /** ARN of an existing GitHub OIDC provider, when this stack does not create it. */
    oidcProviderArn: z
      .string()
      .regex(GITHUB_OIDC_PROVIDER_ARN, { message: GITHUB_OIDC_PROVIDER_ARN_HELP })
      .optional(),
    /** OIDC `sub` claims allowed to assume the deploy role, e.g. `repo:owner/name:environment:production`. */
    deploySubjects: z
      .array(
        z.string().regex(/^repo:[A-Za-z0-9-]+\/[A-Za-z0-9._-]+:(ref:refs\/(heads|tags)\/[^*?\s]+|environment:[^*?\s]+|pull_request)$/, {
          message:
            'must be an exact GitHub OIDC subject: repo:<owner>/<repo>:ref:refs/heads/<branch>, :ref:refs/tags/<tag>, :environment:<name> or :pull_request (no wildcards)',
        }),
      )
      .min(1, { message: 'must list at least one subject; an empty list would let nobody deploy' }),
  })
  .strict();

const STORAGE_TYPES = Object.keys(RDS_STORAGE_TYPES.value) as (keyof typeof RDS_STORAGE_TYPES.value)[];
/** RDS's rule for the database and master user names of PostgreSQL (1-63 characters). */
const POSTGRES_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

const databaseSchema = z
  .object({
    /**
     * PostgreSQL major version, e.g. `17`. RDS picks the newest minor version and upgrades it
     * automatically; a pinned minor version would show a diff after every upgrade (D17).
     */
    engineVersion: z.string().regex(/^[1-9]\d$/, {
      message:
        'must be a PostgreSQL major version such as 17 (no minor version: RDS upgrades minor versions automatically, and a pinned one would show a diff after every upgrade, D17)',
    }),
    /** RDS instance class. */
    instanceClass: rdsInstanceClass,
    /** Initial storage in GiB: 20-65536 for gp2/gp3, 100-65536 for io1/io2. */
    allocatedStorage: positiveInt('allocated storage').min(20).max(65536),
    /** Upper bound for storage autoscaling in GiB: 0 turns autoscaling off, otherwise at least 10% above allocatedStorage. */
    maxAllocatedStorage: positiveInt('max allocated storage').min(0).max(65536),
    /** Storage type (lib/aws-facts.ts RDS_STORAGE_TYPES: what each requires). */
    storageType: z.enum(STORAGE_TYPES, {
      message: `must be one of ${STORAGE_TYPES.join(', ')} (standard, the previous-generation magnetic storage, is refused: project rule)`,
    }),
    /**
     * Provisioned IOPS: required with io1 and io2; with gp3 only from 400 GiB on (below, RDS includes
     * 3,000 IOPS and refuses a value). @default none
     */
    iops: positiveInt('iops').min(1).optional(),
    /** Provisioned throughput in MiB/s: gp3 from 400 GiB on only. @default none */
    storageThroughput: positiveInt('storage throughput').min(1).optional(),
    /** Standby in a second availability zone. */
    multiAz: z.boolean(),
    /** Automated backup retention in days (0-35; at least 7 when productionLike). */
    backupRetentionDays: positiveInt('backup retention').min(0).max(35),
    /** Daily backup window (UTC), hh24:mi-hh24:mi. */
    backupWindow: dailyWindowSchema,
    /** Weekly maintenance window (UTC), ddd:hh24:mi-ddd:hh24:mi. */
    maintenanceWindow: weeklyWindowSchema,
    /** RDS deletion protection. */
    deletionProtection: z.boolean(),
    /** Take a final snapshot when the instance is destroyed. */
    finalSnapshot: z.boolean(),
    /** Apply modifications immediately instead of in the maintenance window. */
    applyImmediately: z.boolean(),
    /** Performance Insights. */
    performanceInsights: z
      .object({
        enabled: z.boolean(),
        /** 7 (free tier), 31 x months up to 713, or 731. */
        retentionDays: z.number().refine((v) => (PERFORMANCE_INSIGHTS_RETENTION_DAYS as readonly number[]).includes(v), {
          message: 'must be a retention Performance Insights accepts: 7, a whole number of months as 31 x n (31, 62, ..., 713), or 731',
        }),
      })
      .strict(),
    /** Enhanced monitoring interval in seconds; 0 disables it and its IAM role. */
    monitoringIntervalSeconds: z.union([z.literal(0), z.literal(1), z.literal(5), z.literal(10), z.literal(15), z.literal(30), z.literal(60)], {
      message: 'must be one of 0, 1, 5, 10, 15, 30, 60',
    }),
    /** Name of the application database. */
    databaseName: z.string().regex(POSTGRES_NAME, { message: 'must be a PostgreSQL database name: a letter, then up to 62 letters, digits or _' }),
    /** Master user name. */
    masterUsername: z.string().regex(POSTGRES_NAME, { message: 'must be a PostgreSQL user name: a letter, then up to 62 letters, digits or _' }),
    /**
     * Optional read replica. Must stay disabled while RDS manages the master password in
     * Secrets Manager (D12): RDS does not create read replicas of such an instance.
     */
    readReplica: z
      .object({
        enabled: z.literal(false, {
          message:
            'must be false: RDS cannot create a read replica of an instance whose master password it manages in Secrets Manager (manage_master_user_password, chosen for D12)',
        }),
        instanceClass: rdsInstanceClass.optional(),
      })
      .strict(),
    /** Alarm thresholds. */
    alarms: z
      .object({
        cpuPercent: z.number().min(0).max(100),
        freeStorageBytes: z.number().min(0),
        connections: z.number().min(0),
        /** Freeable memory floor, bytes (100 MiB in staging, 200 MiB in production). */
        freeableMemoryBytes: z.number().min(0),
      })
      .strict(),
  })
  .strict();

const cacheSchema = z
  .object({
    /** Redis engine version. */
    engineVersion: z.string().regex(/^\d+\.\d+$/, { message: 'must be a Redis version such as 7.0' }),
    /** ElastiCache node type. */
    nodeType: cacheNodeType,
    /** Number of nodes (primary plus replicas). */
    numCacheClusters: positiveInt('node count').min(1).max(6),
    /** Multi-AZ with automatic failover; needs two or more nodes. */
    multiAz: z.boolean(),
    /** TLS between clients and Redis. */
    transitEncryption: z.boolean(),
    /**
     * Redis AUTH. When true the stack declares the sensitive Terraform variable `redis_auth_token`
     * and keeps the token in the Secrets Manager secret `<projectName>-redis-auth` for the backend.
     * Requires `transitEncryption`.
     */
    authToken: z.boolean(),
    /** Days of automatic snapshots to keep. */
    snapshotRetentionDays: positiveInt('snapshot retention').min(0).max(35),
    /** Daily snapshot window (UTC). */
    snapshotWindow: dailyWindowSchema,
    /** Weekly maintenance window (UTC). */
    maintenanceWindow: weeklyWindowSchema,
    /** Apply modifications immediately. */
    applyImmediately: z.boolean(),
    /** Retention of the slow-log and engine-log groups. */
    logRetentionDays: logRetentionDays,
    /** Alarm thresholds. */
    alarms: z
      .object({
        cpuPercent: z.number().min(0).max(100),
        memoryPercent: z.number().min(0).max(100),
        evictions: z.number().min(0),
        /** Replication lag, seconds; alarmed only with two or more nodes. */
        replicationLagSeconds: z.number().min(0),
      })
      .strict(),
  })
  .strict();

const loadBalancerSchema = z
  .object({
    /** ALB deletion protection. */
    deletionProtection: z.boolean(),
    /**
     * Whether the environment serves HTTPS. When true the stack declares a required
     * `certificate_arn` variable, adds the HTTPS listener and redirects HTTP to it.
     */
    https: z.boolean(),
    /** Alarm thresholds. */
    alarms: z
      .object({
        responseTimeSeconds: z.number().positive(),
        target5xxCount: z.number().min(0),
        /** 5xx answered by the load balancer itself, per minute. */
        elb5xxCount: z.number().min(0),
      })
      .strict(),
  })
  .strict();

const serviceSize = {
  /** Fargate task CPU units. */
  cpu: positiveInt('cpu'),
  /** Fargate task memory in MiB. */
  memory: positiveInt('memory'),
  /** Number of tasks. */
  desiredCount: positiveInt('desired count').min(0),
};

const ecsSchema = z
  .object({
    /** Container Insights on the cluster. */
    containerInsights: z.boolean(),
    /** ECS Exec on both services. */
    executeCommand: z.boolean(),
    /** Retention of the two container log groups. */
    logRetentionDays: logRetentionDays,
    /** Backend (FastAPI) service. */
    backend: z
      .object({
        ...serviceSize,
        /** Target-tracking autoscaling of the backend service. */
        autoscaling: z
          .object({
            enabled: z.boolean(),
            minCapacity: positiveInt('min capacity').min(0),
            maxCapacity: positiveInt('max capacity').min(1),
            cpuTargetPercent: z.number().min(1).max(100),
            memoryTargetPercent: z.number().min(1).max(100),
          })
          .strict(),
      })
      .strict(),
    /** Frontend (React, nginx) service. */
    frontend: z.object(serviceSize).strict(),
    /** Alarm thresholds of each service. */
    alarms: z
      .object({
        /** Average CPU, percent. */
        cpuPercent: z.number().min(1).max(100),
        /** Average memory, percent. */
        memoryPercent: z.number().min(1).max(100),
      })
      .strict(),
  })
  .strict();

/** A DNS name: labels of 1-63 letters, digits and hyphens (not at either end), 253 characters at most. */
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** DNS ignores case: a host name is stored in lower case, as AWS, browsers and certificates compare it. */
const hostname = lowerCased(DNS_NAME, 'must be a DNS name such as api.example.com');

/** An `http(s)://host[:port]` origin; scheme and host are case-insensitive and stored in lower case. */
const ORIGIN = /^https?:\/\/([a-z0-9.-]+)(:\d+)?$/;
const origin = lowerCased(ORIGIN, 'must be an origin such as https://dashboard.example.com');

const monitoringSchema = z
  .object({
    /**
     * Whether alarms notify anyone. `true` needs at least one subscriber; `false` is an explicit
     * "nobody is paged" (acceptable for staging only) and must come with no subscribers.
     */
    notifications: z.boolean(),
    /** E-mail addresses subscribed to the alarm topic (configuration data, not secrets). */
    alarmEmails: z.array(z.email({ message: 'must be an e-mail address such as oncall@example.com' })),
    /**
     * Subscribe an HTTPS webhook (chat or paging tool). Its URL usually carries a token, so it is
     * the sensitive Terraform variable `alarm_webhook_url`, never config.
     */
    webhook: z.boolean(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!isRecord(m)) return;
    const subscribers = (Array.isArray(m.alarmEmails) ? m.alarmEmails.length : 0) + (m.webhook === true ? 1 : 0);
    if (m.notifications === true && subscribers === 0) {
      ctx.addIssue({ code: 'custom', path: ['notifications'], input: true, message: 'is true but nobody is subscribed: list alarmEmails or set webhook: true (or set notifications: false, staging only)' });
    }
    if (m.notifications === false && subscribers > 0) {
      ctx.addIssue({ code: 'custom', path: ['notifications'], input: false, message: 'is false but subscribers are configured: set it to true, or remove alarmEmails and webhook' });
    }
  }, { when: () => true });

const imageRepository = z.string().regex(new RegExp(IMAGE_REPOSITORY_PATTERN), {
  message:
    'must be an image repository without tag, as the backend_image and frontend_image variables accept: lower-case path components separated by /, each of letters and digits joined by single . _ or -, optionally after a registry host[:port], e.g. ghcr.io/owner/name',
});

const applicationSchema = z
  .object({
    /** The environment's base domain (DOMAIN). */
    domain: hostname,
    /** Host name that routes to the backend (API). */
    backendDomain: hostname,
    /** Public URL of the frontend (FRONTEND_HOST). */
    frontendHost: origin,
    /** Origins the backend accepts (BACKEND_CORS_ORIGINS, joined by commas). */
    backendCorsOrigins: z.array(origin),
    /** Default of the `backend_image` variable; checked with the variable's own validation pattern. */
    backendImage: imageRepository,
    /** Default of the `frontend_image` variable; checked with the variable's own validation pattern. */
    frontendImage: imageRepository,
    /** Default of the `backend_image_tag` and `frontend_image_tag` variables; checked with their validation pattern. */
    imageTag: z.string().regex(new RegExp(IMAGE_TAG_PATTERN), {
      message: 'must be a container image tag: letters, digits, _ . - (at most 128, not starting with . or -), as the image_tag variables accept',
    }),
    /** Recovery window of the application secret, 0 or 7-30 days. */
    secretRecoveryWindowDays: z.number().refine((v) => v === 0 || (Number.isInteger(v) && v >= 7 && v <= 30), {
      message: 'must be 0 (delete at once) or a whole number of days from 7 to 30',
    }),
  })
  .strict();

/** Where Terraform keeps an environment's state. */
export const STATE_BACKEND_TYPES = ['s3', 'cloud'] as const;
export type StateBackendType = (typeof STATE_BACKEND_TYPES)[number];

const s3StateBackendSchema = z
  .object({
    /** The shared S3 state bucket (names in stacks/state-backend.ts), key `<environment>/terraform.tfstate`. */
    type: z.literal('s3'),
    /** Lock with the DynamoDB table, S3-native lock files (Terraform >= 1.10), or both during a migration. */
    locking: z.enum(STATE_LOCKING_MODES, { message: `must be one of ${STATE_LOCKING_MODES.join(', ')}` }),
  })
  .strict();

/** A deliberate exception to a policy rule for one resource, with its reason. */
const policyExceptionSchema = z
  .object({
    /** The rule's id (lib/policy/rule-ids.ts), e.g. `rds-multi-az`. */
    rule: z.enum(POLICY_RULE_IDS, { message: `must be a policy rule id: ${POLICY_RULE_IDS.join(', ')}` }),
    /** The resource's Terraform address in the stack, e.g. `aws_db_instance.rds_main`. */
    resource: z.string().regex(/^(data\.)?aws_[a-z0-9_]+\.[a-z][a-z0-9_]*$/, {
      message: 'must be a Terraform address in the stack, e.g. aws_db_instance.rds_main',
    }),
    /** Why the exception is justified; printed in every policy report. */
    reason: z.string().trim().min(20, { message: 'must explain the exception in at least 20 characters' }),
  })
  .strict();

/** Terraform Cloud / HCP Terraform names: letters, digits, `-` and `_`. */
const tfcName = (what: string, max: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9_-]{1,${max}}$`), { message: `must be a ${what}: 1-${max} letters, digits, - or _` });

const cloudWorkspaceSchema = z
  .object({
    /** One workspace, by name. */
    name: tfcName('Terraform Cloud workspace name', 90).optional(),
    /** Every workspace carrying all these tags (`terraform workspace select` or TF_WORKSPACE picks one). */
    tags: z
      .array(z.string().regex(/^[a-z0-9_-][a-z0-9:_-]{0,254}$/, { message: 'must be a workspace tag: lower-case letters, digits, :, - and _, not starting with :' }))
      .min(1, { message: 'must list at least one tag' })
      .optional(),
  })
  .strict()
  .superRefine((w, ctx) => {
    if ((w.name === undefined) === (w.tags === undefined)) {
      ctx.addIssue({ code: 'custom', input: w, message: 'must set exactly one of name (one named workspace) or tags (workspaces selected by tags)' });
    }
  });

const cloudStateBackendSchema = z
  .object({
    /** Terraform Cloud (HCP Terraform) or Terraform Enterprise, through the `cloud` block. */
    type: z.literal('cloud'),
    /** The organization that owns the workspace(s). */
    organization: tfcName('Terraform Cloud organization name', 40),
    /** Terraform Enterprise host name. @default app.terraform.io (the block omits it) */
    hostname: hostname.optional(),
    /** Project of the workspace(s). @default the organization's default project */
    project: z.string().min(1, { message: 'must not be empty' }).max(40, { message: 'must be at most 40 characters' }).optional(),
    /** The workspace: `{ name }` or `{ tags }`. */
    workspace: cloudWorkspaceSchema,
  })
  .strict();

const stateBackendSchema = z.discriminatedUnion('type', [s3StateBackendSchema, cloudStateBackendSchema]) satisfies z.ZodType<StateBackendSettings>;

/** The zod schema of an environment. */
export const environmentConfigSchema = z
  .object({
    /** Environment name: the stack name and the `Environment` tag. */
    name: z.string().regex(/^[a-z][a-z0-9-]{1,19}$/, { message: 'must be lower-case letters, digits and dashes, 2-20 characters, starting with a letter' }),
    /**
     * Prefix of every resource name (the legacy `project_name` local). Its length is limited by the
     * names built from it (lib/names.ts): the longest, `<projectName>-frontend-tg`, may have 32 characters.
     */
    projectName: z.string().regex(/^[a-z][a-z0-9-]*[a-z0-9]$/, {
      message: 'must be lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit',
    }),
    /**
     * Whether this environment is production-like: it serves real users or holds real data. Production-like
     * environments get the strict checks: database backups kept at least 7 days, HTTPS-only CORS origins, and
     * every failing policy rule is an error (elsewhere some rules only warn). The environment named
     * `production` must set it.
     */
    productionLike: z.boolean(),
    /**
     * Deliberate exceptions to the security and data-protection policy (lib/policy), each for one rule and one
     * resource, with the reason. Exceptions are printed in every report; an exception that matches no failing
     * check is reported as unused. @default []
     */
    policyExceptions: z.array(policyExceptionSchema).default([]),
    /** AWS region of every resource. */
    region,
    /** 12-digit AWS account id; when set, the provider refuses to run against any other account. */
    accountId: accountId.optional(),
    /** Where the state lives: the shared S3 bucket (default) or Terraform Cloud; overridable from CI (environments/overrides.ts). */
    stateBackend: stateBackendSchema,
    /** VPC module settings. */
    network: networkSchema,
    /** Security-group module settings. */
    security: z
      .object({
        /** CIDRs allowed to reach PostgreSQL directly (a rule is created only when non-empty). */
        managementCidrBlocks: z.array(cidr),
      })
      .strict(),
    /** GitHub Actions deployment identity. */
    github: githubSchema,
    /** RDS PostgreSQL. */
    database: databaseSchema,
    /** ElastiCache Redis. */
    cache: cacheSchema,
    /** Application Load Balancer. */
    loadBalancer: loadBalancerSchema,
    /** ECS Fargate cluster and services. */
    ecs: ecsSchema,
    /** Application settings passed to the containers, and variable defaults. */
    application: applicationSchema,
    /** Alarm topic, subscriptions and the dashboard (each resource's alarm thresholds are in its own section). */
    monitoring: monitoringSchema,
  })
  .strict()
  .superRefine(checkCrossFields, { when: () => true });

/** The validated, typed description of one environment. */
export type EnvironmentConfig = z.output<typeof environmentConfigSchema>;
/** An environment's state backend settings. */
export type StateBackendConfig = EnvironmentConfig['stateBackend'];
/** Terraform Cloud state backend settings. */
export type CloudStateBackendConfig = Extract<StateBackendConfig, { type: 'cloud' }>;
/** What an environment data file must provide (checked by TypeScript, then by zod). */
export type EnvironmentConfigInput = z.input<typeof environmentConfigSchema>;

type Ctx = z.core.$RefinementCtx<unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Cross-field checks of the network. Defensive: fields that are already invalid are skipped. */
function checkNetwork(config: Record<string, unknown>, ctx: Ctx): void {
  if (!isRecord(config.network)) return;
  const network = config.network;
  const azs = Array.isArray(network.availabilityZones) ? network.availabilityZones : undefined;

  const zones = typeof config.region === 'string' ? regionZones(config.region) : undefined;
  if (azs && zones) {
    azs.forEach((az, i) => {
      if (typeof az === 'string' && AVAILABILITY_ZONE.test(az) && !zones.includes(az)) {
        issue(ctx, ['network', 'availabilityZones', i], az, `must be a zone of the configured region ${String(config.region)}: ${zones.join(', ')}`);
      }
    });
  }

  const vpc = parseCidr(network.vpcCidr);
  const tiers = ['publicSubnetCidrs', 'privateAppSubnetCidrs', 'privateDbSubnetCidrs'] as const;
  const seen: { path: (string | number)[]; value: string; range: NonNullable<ReturnType<typeof parseCidr>> }[] = [];
  for (const tier of tiers) {
    const list = network[tier];
    if (!Array.isArray(list)) continue;
    if (azs && list.length !== azs.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['network', tier],
        input: list,
        message: `must have one CIDR per availability zone: ${azs.length} expected (${azs.join(', ')}), ${list.length} given`,
      });
    }
    list.forEach((value, i) => {
      const range = parseCidr(value);
      if (!range) return;
      const path = ['network', tier, i];
      if (vpc && !cidrContains(vpc, range)) {
        ctx.addIssue({ code: 'custom', path, input: value, message: `must lie inside the VPC CIDR ${String(network.vpcCidr)}` });
      }
      const clash = seen.find((other) => cidrsOverlap(other.range, range));
      if (clash) {
        ctx.addIssue({
          code: 'custom',
          path,
          input: value,
          message: `must not overlap another subnet: it overlaps network.${clash.path.slice(1).join('.')} (${clash.value})`,
        });
      }
      seen.push({ path, value: value as string, range });
    });
  }
}

/** Every cross-field and derived check; each one skips fields that are already invalid. */
function checkCrossFields(config: unknown, ctx: Ctx): void {
  if (!isRecord(config)) return;
  checkNetwork(config, ctx);
  checkEnvironmentClass(config, ctx);
  checkNames(config, ctx);
  checkDatabase(config, ctx);
  checkCache(config, ctx);
  checkEcs(config, ctx);
  checkGithub(config, ctx);
  checkApplication(config, ctx);
  checkPolicyExceptions(config, ctx);
}

type Path = (string | number)[];

function issue(ctx: Ctx, path: Path, input: unknown, message: string): void {
  ctx.addIssue({ code: 'custom', path, input, message });
}

function section(config: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = config[key];
  return isRecord(value) ? value : undefined;
}

function wholeNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function isProductionLike(config: Record<string, unknown>): boolean {
  return config.productionLike === true;
}

function checkEnvironmentClass(config: Record<string, unknown>, ctx: Ctx): void {
  if (config.name === 'production' && config.productionLike === false) {
    issue(ctx, ['productionLike'], false, 'must be true for the environment named "production"');
  }
}

/** Every AWS name built from the project name must be one AWS accepts (lib/names.ts). */
function checkNames(config: Record<string, unknown>, ctx: Ctx): void {
  const projectName = config.projectName;
  if (typeof projectName !== 'string' || !/^[a-z][a-z0-9-]*[a-z0-9]$/.test(projectName)) return;
  for (const problem of nameProblems(projectName)) issue(ctx, ['projectName'], projectName, problem);
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY = 24 * 60;
const WEEK = 7 * DAY;

function minutesOf(time: string): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) return undefined;
  return Number(match[1]) * 60 + Number(match[2]);
}

/** `hh24:mi-hh24:mi` as [start minute of the day, length in minutes], or undefined. */
function dailyWindow(value: unknown): [number, number] | undefined {
  if (typeof value !== 'string') return undefined;
  const [from, to, ...rest] = value.split('-');
  const start = minutesOf(from ?? '');
  const end = minutesOf(to ?? '');
  if (rest.length > 0 || start === undefined || end === undefined) return undefined;
  return [start, (end - start + DAY) % DAY];
}

/** `ddd:hh24:mi-ddd:hh24:mi` as [start minute of the week, length in minutes], or undefined. */
function weeklyWindow(value: unknown): [number, number] | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^([a-z]{3}):(\d{2}:\d{2})-([a-z]{3}):(\d{2}:\d{2})$/.exec(value);
  if (!match) return undefined;
  const [startDay, endDay] = [WEEKDAYS.indexOf(match[1]), WEEKDAYS.indexOf(match[3])];
  const [startTime, endTime] = [minutesOf(match[2]), minutesOf(match[4])];
  if (startDay < 0 || endDay < 0 || startTime === undefined || endTime === undefined) return undefined;
  const start = startDay * DAY + startTime;
  return [start, (endDay * DAY + endTime - start + WEEK) % WEEK];
}

/** Whether two windows on a circle of `period` minutes share a minute. */
function windowsOverlap([a, aLength]: [number, number], [b, bLength]: [number, number], period: number): boolean {
  return (((b - a) % period) + period) % period < aLength || (((a - b) % period) + period) % period < bLength;
}

/**
 * A daily window (backups, snapshots) and the weekly maintenance window of one service:
 * valid clock times, at least `minMinutes` long, and not overlapping each other.
 */
function checkWindows(
  service: Record<string, unknown>,
  ctx: Ctx,
  where: { section: string; daily: string; weekly: string; minMinutes: number; owner: string },
): void {
  const daily = dailyWindow(service[where.daily]);
  const weekly = weeklyWindow(service[where.weekly]);
  for (const [field, window, pattern] of [
    [where.daily, daily, DAILY_WINDOW],
    [where.weekly, weekly, WEEKLY_WINDOW],
  ] as const) {
    const value = service[field];
    if (typeof value !== 'string' || !pattern.test(value)) continue;
    if (!window) {
      issue(ctx, [where.section, field], value, 'must use valid UTC times: hours 00-23, minutes 00-59');
    } else if (window[1] < where.minMinutes) {
      issue(ctx, [where.section, field], value, `must be at least ${where.minMinutes} minutes long (${where.owner} refuses shorter windows)`);
    }
  }
  if (daily && weekly && Array.from({ length: 7 }, (_, d) => windowsOverlap([d * DAY + daily[0], daily[1]], weekly, WEEK)).some(Boolean)) {
    issue(
      ctx,
      [where.section, where.daily],
      service[where.daily],
      `must not overlap the maintenance window ${String(service[where.weekly])} (${where.owner} refuses overlapping windows)`,
    );
  }
}

function checkDatabase(config: Record<string, unknown>, ctx: Ctx): void {
  const db = section(config, 'database');
  if (!db) return;
  const version = db.engineVersion;
  if (typeof version === 'string' && /^\d+(\.\d+)?$/.test(version) && !isOfferedPostgresVersion(version)) {
    issue(
      ctx,
      ['database', 'engineVersion'],
      version,
      `must be a PostgreSQL major version RDS offers, each with its parameter-group family: ${RDS_POSTGRES_MAJOR_VERSIONS.map((v) => `${v} (${postgresParameterGroupFamily(v)})`).join(', ')}`,
    );
  }

  const allocated = wholeNumber(db.allocatedStorage);
  checkStorageSettings(db, ctx);
  const regionName = typeof config.region === 'string' ? config.region : undefined;
  checkOffered(ctx, ['database', 'instanceClass'], db.instanceClass, RDS_INSTANCE_CLASS, offeredInRegion('rds', regionName), 'an RDS instance class offered for PostgreSQL');
  const replica = section(db, 'readReplica');
  if (replica) {
    checkOffered(ctx, ['database', 'readReplica', 'instanceClass'], replica.instanceClass, RDS_INSTANCE_CLASS, offeredInRegion('rds', regionName), 'an RDS instance class offered for PostgreSQL');
  }
  for (const [field, problemOf] of [
    ['masterUsername', reservedUserNameProblem],
    ['databaseName', reservedDatabaseNameProblem],
  ] as const) {
    const value = db[field];
    const problem = typeof value === 'string' && POSTGRES_NAME.test(value) ? problemOf(value) : undefined;
    if (problem) issue(ctx, ['database', field], value, `must not be a reserved name: ${problem} (see lib/aws-facts.ts)`);
  }
  const max = wholeNumber(db.maxAllocatedStorage);
  if (allocated !== undefined && allocated >= 20 && max !== undefined && max > 0) {
    const least = Math.ceil((allocated * 11) / 10);
    if (max < least) {
      issue(
        ctx,
        ['database', 'maxAllocatedStorage'],
        max,
        `must be 0 (storage autoscaling off) or at least 10% above allocatedStorage (${allocated} GiB): ${least} or more, up to 65536`,
      );
    }
  }

  const retention = wholeNumber(db.backupRetentionDays);
  if (retention !== undefined && retention >= 0 && retention <= 35) {
    if (isProductionLike(config) && retention < 7) {
      issue(ctx, ['database', 'backupRetentionDays'], retention, 'must be at least 7 days in a production-like environment (productionLike: true); 0-35 elsewhere');
    }
  }
  checkWindows(db, ctx, { section: 'database', daily: 'backupWindow', weekly: 'maintenanceWindow', minMinutes: 30, owner: 'RDS' });

  const network = section(config, 'network');
  const azs = network?.availabilityZones;
  if (Array.isArray(azs) && azs.length === 1) {
    issue(ctx, ['network', 'availabilityZones'], azs, 'must list at least 2 zones: the RDS DB subnet group needs subnets in two availability zones');
  }
}

/**
 * A well-formed instance class or node type must be one AWS offers: in the region's Price List
 * offerings when recorded (cost/offerings), otherwise in the documented list (lib/aws-facts.ts).
 */
function checkOffered(ctx: Ctx, path: Path, value: unknown, grammar: RegExp, offered: ReturnType<typeof offeredInRegion>, what: string): void {
  if (typeof value !== 'string' || !grammar.test(value) || offered.value.includes(value)) return;
  const family = value.split('.').slice(0, 2).join('.');
  const sizes = offered.value.filter((v) => v.startsWith(`${family}.`));
  const where = offered.regional ? 'in this region (AWS Price List, cost/offerings)' : '(AWS documentation, lib/aws-facts.ts)';
  const families = [...new Set(offered.value.map((v) => v.split('.')[1]))];
  const allowed =
    sizes.length > 0
      ? `${family} comes in ${sizes.map((v) => v.split('.')[2]).join(', ')}`
      : `the ${value.split('.')[0]}.<family> families are ${families.join(', ')}`;
  issue(ctx, path, value, `must be ${what} ${where}: ${allowed}`);
}

/** Provisioned IOPS and throughput as each storage type requires them (lib/aws-facts.ts RDS_STORAGE_TYPES). */
function checkStorageSettings(db: Record<string, unknown>, ctx: Ctx): void {
  const type = db.storageType;
  if (typeof type !== 'string' || !(type in RDS_STORAGE_TYPES.value)) return;
  const rule = RDS_STORAGE_TYPES.value[type as keyof typeof RDS_STORAGE_TYPES.value];
  const allocated = wholeNumber(db.allocatedStorage);
  const iops = wholeNumber(db.iops);
  const throughput = wholeNumber(db.storageThroughput);
  const at = (field: string): Path => ['database', field];
  if (allocated !== undefined && allocated >= 20 && allocated < rule.storage[0]) {
    const smaller = STORAGE_TYPES.filter((t) => RDS_STORAGE_TYPES.value[t].storage[0] <= allocated);
    issue(ctx, at('allocatedStorage'), allocated, `must be at least ${rule.storage[0]} GiB with storageType ${type} (${allocated} GiB is enough only for ${smaller.join(' and ')})`);
  }
  if (rule.iops === 'required' && db.iops === undefined) {
    const [low, high] = rule.iopsPerGiB ?? [0, 0];
    issue(ctx, at('iops'), undefined, `is required with storageType ${type}: ${rule.iopsRange?.join('-')} provisioned IOPS, ${low}-${high} per GiB of allocatedStorage`);
  }
  if (rule.iops === 'refused' && iops !== undefined) {
    issue(ctx, at('iops'), iops, `must be unset with storageType ${type}: RDS provisions IOPS only for gp3 (from ${RDS_STORAGE_TYPES.value.gp3.provisionedFromGiB} GiB), io1 and io2`);
  }
  if (throughput !== undefined && rule.throughputRange === undefined) {
    issue(ctx, at('storageThroughput'), throughput, `must be unset with storageType ${type}: only gp3 takes a storage throughput`);
  }
  if (rule.provisionedFromGiB !== undefined && allocated !== undefined && allocated < rule.provisionedFromGiB) {
    for (const [field, value] of [['iops', iops], ['storageThroughput', throughput]] as const) {
      if (value !== undefined) {
        issue(ctx, at(field), value, `must be unset with ${type} below ${rule.provisionedFromGiB} GiB (allocatedStorage is ${allocated}): RDS for PostgreSQL includes 3,000 IOPS and 125 MiB/s there and refuses explicit values`);
      }
    }
    return;
  }
  if (iops !== undefined && rule.iopsRange && allocated !== undefined) {
    const [low, high] = rule.iopsRange;
    const [perLow, perHigh] = rule.iopsPerGiB ?? [0, Infinity];
    const [least, most] = [Math.max(low, Math.ceil(perLow * allocated)), Math.min(high, Math.floor(perHigh * allocated))];
    const perGiB = rule.iopsPerGiB ? `, ${perLow}-${perHigh} IOPS per GiB` : '';
    if (iops < least || iops > most) {
      issue(ctx, at('iops'), iops, `must be ${least}-${most} for ${allocated} GiB of ${type} (${low}-${high} IOPS${perGiB})`);
    }
  }
  if (throughput !== undefined && rule.throughputRange) {
    const [low, high] = rule.throughputRange;
    if (throughput < low || throughput > high) issue(ctx, at('storageThroughput'), throughput, `must be ${low}-${high} MiB/s with storageType ${type}`);
    else if (iops === undefined) issue(ctx, at('iops'), undefined, `is required with storageThroughput on ${type}: RDS sets both together`);
    else if (throughput > iops / 4) issue(ctx, at('storageThroughput'), throughput, `must be at most 0.25 MiB/s per provisioned IOPS (${Math.floor(iops / 4)} for ${iops} IOPS)`);
  }
}

function checkCache(config: Record<string, unknown>, ctx: Ctx): void {
  const cache = section(config, 'cache');
  if (!cache) return;
  const version = cache.engineVersion;
  if (typeof version === 'string' && /^\d+\.\d+$/.test(version) && !isOfferedRedisVersion(version)) {
    issue(
      ctx,
      ['cache', 'engineVersion'],
      version,
      `must be a Redis version ElastiCache offers, each with its parameter-group family: ${ELASTICACHE_REDIS_VERSIONS.map((v) => `${v} (${redisParameterGroupFamily(v)})`).join(', ')}`,
    );
  }
  const regionName = typeof config.region === 'string' ? config.region : undefined;
  checkOffered(ctx, ['cache', 'nodeType'], cache.nodeType, CACHE_NODE_TYPE, offeredInRegion('elasticache', regionName), 'an ElastiCache node type offered for Redis OSS');
  const nodes = wholeNumber(cache.numCacheClusters);
  if (cache.multiAz === true && nodes !== undefined && nodes < 2) {
    issue(
      ctx,
      ['cache', 'multiAz'],
      true,
      `requires numCacheClusters of at least 2 (it is ${nodes}): Multi-AZ and automatic failover need a replica to fail over to`,
    );
  }
  if (cache.authToken === true && cache.transitEncryption === false) {
    issue(
      ctx,
      ['cache', 'authToken'],
      true,
      'must be false when cache.transitEncryption is false: ElastiCache accepts an AUTH token only with encryption in transit; set cache.transitEncryption to true or cache.authToken to false',
    );
  }
  checkWindows(cache, ctx, { section: 'cache', daily: 'snapshotWindow', weekly: 'maintenanceWindow', minMinutes: 60, owner: 'ElastiCache' });
}

function checkEcs(config: Record<string, unknown>, ctx: Ctx): void {
  const ecs = section(config, 'ecs');
  if (!ecs) return;
  for (const service of ['backend', 'frontend'] as const) {
    const settings = section(ecs, service);
    if (!settings) continue;
    const cpu = wholeNumber(settings.cpu);
    const memory = wholeNumber(settings.memory);
    if (cpu !== undefined && !FARGATE_TASK_SIZES[cpu]) {
      issue(ctx, ['ecs', service, 'cpu'], cpu, `must be a Fargate task CPU size: ${Object.keys(FARGATE_TASK_SIZES).join(', ')} (CPU units)`);
    } else if (cpu !== undefined && memory !== undefined && !isFargateTaskSize(cpu, memory)) {
      issue(ctx, ['ecs', service, 'memory'], memory, `must be a memory size Fargate offers with ${cpu} CPU units: ${describeFargateMemory(cpu)} (MiB)`);
    }
  }
  const backend = section(ecs, 'backend');
  const scaling = backend && section(backend, 'autoscaling');
  if (!backend || !scaling) return;
  const [min, max, desired] = [wholeNumber(scaling.minCapacity), wholeNumber(scaling.maxCapacity), wholeNumber(backend.desiredCount)];
  if (min !== undefined && max !== undefined && min > max) {
    issue(ctx, ['ecs', 'backend', 'autoscaling', 'minCapacity'], min, `must not exceed maxCapacity (${max})`);
  } else if (scaling.enabled === true && min !== undefined && max !== undefined && desired !== undefined && (desired < min || desired > max)) {
    issue(
      ctx,
      ['ecs', 'backend', 'desiredCount'],
      desired,
      `must lie between autoscaling.minCapacity (${min}) and autoscaling.maxCapacity (${max}) while autoscaling is enabled`,
    );
  }
}

function checkGithub(config: Record<string, unknown>, ctx: Ctx): void {
  const github = section(config, 'github');
  if (!github) return;
  const arn = github.oidcProviderArn;
  if (typeof arn === 'string' && GITHUB_OIDC_PROVIDER_ARN.test(arn)) {
    if (github.createOidcProvider === true) {
      issue(
        ctx,
        ['github', 'oidcProviderArn'],
        arn,
        'must be unset when github.createOidcProvider is true: the deploy role then trusts the provider this stack creates (one owner per account, D14)',
      );
    }
    if (typeof config.accountId === 'string' && ACCOUNT_ID.test(config.accountId) && arnAccount(arn) !== config.accountId) {
      issue(ctx, ['github', 'oidcProviderArn'], arn, `must belong to the configured account ${config.accountId}`);
    }
  }
  const repository = github.repository;
  if (typeof repository !== 'string' || !Array.isArray(github.deploySubjects)) return;
  github.deploySubjects.forEach((subject, i) => {
    if (typeof subject === 'string' && subject.startsWith('repo:') && !subject.startsWith(`repo:${repository}:`)) {
      issue(ctx, ['github', 'deploySubjects', i], subject, `must be a subject of the configured repository: repo:${repository}:...`);
    }
  });
}

/** The host of an `http(s)://host[:port]` origin, or undefined. */
function originHost(origin: unknown): string | undefined {
  if (typeof origin !== 'string') return undefined;
  return ORIGIN.exec(origin)?.[1];
}

function inDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

function checkApplication(config: Record<string, unknown>, ctx: Ctx): void {
  const app = section(config, 'application');
  if (!app) return;
  const domain = typeof app.domain === 'string' && DNS_NAME.test(app.domain) ? app.domain : undefined;
  if (domain && typeof app.backendDomain === 'string' && DNS_NAME.test(app.backendDomain) && !inDomain(app.backendDomain, domain)) {
    issue(ctx, ['application', 'backendDomain'], app.backendDomain, `must be ${domain} or a name under it, e.g. api.${domain}`);
  }
  const frontendHost = originHost(app.frontendHost);
  if (frontendHost !== undefined) {
    if (!DNS_NAME.test(frontendHost)) {
      issue(ctx, ['application', 'frontendHost'], app.frontendHost, 'must have a DNS name as host, e.g. https://dashboard.example.com');
    } else if (domain && !inDomain(frontendHost, domain)) {
      issue(ctx, ['application', 'frontendHost'], app.frontendHost, `must be served from ${domain} or a name under it, e.g. https://dashboard.${domain}`);
    }
  }
  const origins = app.backendCorsOrigins;
  if (!Array.isArray(origins)) return;
  origins.forEach((origin, i) => {
    const host = originHost(origin);
    if (host === undefined) return;
    if (host !== 'localhost' && !DNS_NAME.test(host)) {
      issue(ctx, ['application', 'backendCorsOrigins', i], origin, 'must have a DNS name (or localhost) as host');
    } else if (isProductionLike(config) && !String(origin).startsWith('https://')) {
      issue(ctx, ['application', 'backendCorsOrigins', i], origin, 'must be an https:// origin in a production-like environment');
    }
  });
  if (frontendHost !== undefined && typeof app.frontendHost === 'string' && origins.every((o) => typeof o === 'string') && !origins.includes(app.frontendHost)) {
    issue(ctx, ['application', 'backendCorsOrigins'], origins, `must include frontendHost (${app.frontendHost}) so the dashboard can call the API`);
  }
}

function checkPolicyExceptions(config: Record<string, unknown>, ctx: Ctx): void {
  const exceptions = config.policyExceptions;
  if (!Array.isArray(exceptions)) return;
  const seen = new Map<string, number>();
  exceptions.forEach((exception, i) => {
    if (!isRecord(exception) || typeof exception.rule !== 'string' || typeof exception.resource !== 'string') return;
    const key = `${exception.rule} ${exception.resource}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issue(ctx, ['policyExceptions', i], exception, `repeats policyExceptions.${first} (rule ${exception.rule} for ${exception.resource}); keep one, with one reason`);
    } else {
      seen.set(key, i);
    }
  });
}

/** One problem found in an environment's settings. */
export interface ConfigProblem {
  /** Dotted path of the field, e.g. `network.publicSubnetCidrs.1`. */
  readonly path: string;
  /** The offending value, rendered as JSON (or `(missing)`). */
  readonly value: string;
  /** What is allowed. */
  readonly message: string;
}

/** Thrown when an environment's settings are invalid; its message lists every problem. */
export class EnvironmentConfigError extends Error {
  constructor(
    /** The environment whose settings are invalid. */
    readonly environment: string,
    /** Every problem found, in schema order. */
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      [
        `Environment "${environment}" has ${problems.length} invalid setting${problems.length === 1 ? '' : 's'}:`,
        ...problems.map((p) => `  - ${environment}.${p.path} = ${p.value}: ${p.message}`),
      ].join('\n'),
    );
    this.name = 'EnvironmentConfigError';
  }
}

function renderValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  let json: string | undefined;
  try {
    // NaN and Infinity would print as null; a function or symbol has no JSON at all.
    json = typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
  } catch {
    json = undefined;
  }
  json ??= String(value as string);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be of type ${issue.expected}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${String(issue.minimum)} ${Number(issue.minimum) === 1 ? 'entry' : 'entries'}`;
      return issue.inclusive === false ? `must be greater than ${String(issue.minimum)}` : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${String(issue.maximum)} ${Number(issue.maximum) === 1 ? 'entry' : 'entries'}`;
      return issue.inclusive === false ? `must be less than ${String(issue.maximum)}` : `must be at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/** A key as it appears in a problem's path; one that is not a plain word (empty, with spaces or dots) is quoted. */
function pathKey(key: PropertyKey): string {
  return /^[\w$-]+$/.test(String(key)) ? String(key) : JSON.stringify(String(key));
}

/** One zod issue as problems; an unknown-keys issue becomes one problem per key, at the key's path. */
function toProblems(issue: z.core.$ZodIssue): ConfigProblem[] {
  const path = issue.path.map(pathKey);
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, pathKey(key)].join('.'),
      value: renderValue(isRecord(input) ? input[key] : undefined),
      message: 'unknown field; the allowed fields and their documentation are in environments/schema.ts',
    }));
  }
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
    // A discriminated union (stateBackend.type): report the discriminator's own value.
    const options = ((issue as { options?: unknown[] }).options ?? []).map((o) => JSON.stringify(o));
    return [{ path: path.join('.'), value: renderValue(isRecord(input) ? input[issue.discriminator] : input), message: `must be one of ${options.join(', ')}` }];
  }
  // zod's own default messages are replaced by ours; custom messages are kept as written.
  const isDefault = /^(Invalid|Too (small|big))/.test(issue.message);
  return [{ path: path.join('.') || '(root)', value: renderValue(input), message: isDefault ? describeIssue(issue) : issue.message }];
}

/**
 * Validates an environment's settings.
 *
 * @param environment the environment's name, used in every message
 * @param raw the settings, typically the object exported by `environments/<name>.ts`
 * @returns the typed, validated config
 * @throws EnvironmentConfigError listing every problem (field path, bad value, what is allowed)
 */
export function validateEnvironmentConfig(environment: string, raw: unknown): EnvironmentConfig {
  const result = environmentConfigSchema.safeParse(raw, { reportInput: true });
  const problems: ConfigProblem[] = result.success ? [] : result.error.issues.flatMap(toProblems);
  if (result.success && result.data.name !== environment) {
    problems.push({ path: 'name', value: renderValue(result.data.name), message: `must equal the environment's name "${environment}"` });
  }
  if (problems.length > 0) throw new EnvironmentConfigError(environment, problems);
  return result.data as EnvironmentConfig;
}

/** The zod schema of the bootstrap stack's settings (`environments/bootstrap.ts`). */
export const bootstrapConfigSchema = z
  .object({
    /** 12-digit AWS account id; when set, the provider refuses to run against any other account. */
    accountId: accountId.optional(),
    /**
     * Where the bootstrap stack keeps its own state: `local` (a file next to the project, for the
     * first apply, before the bucket exists) or `s3` (the state bucket, after `terraform init -migrate-state`).
     */
    backend: z.enum(BOOTSTRAP_BACKENDS, { message: `must be one of ${BOOTSTRAP_BACKENDS.join(', ')}` }),
    /** Days after which a replaced (noncurrent) state version is deleted; the current version never expires. */
    noncurrentVersionExpirationDays: positiveInt('noncurrent version expiration').min(1).max(3650),
    /** Waiting period before the state key is deleted once scheduled for deletion (KMS allows 7-30). */
    kmsKeyDeletionWindowDays: positiveInt('deletion window').min(7).max(30),
    /** The account-wide GitHub Actions OIDC provider. */
    github: z
      .object({
        /** Whether the bootstrap stack creates the provider; exactly one stack per account may (D14). */
        createOidcProvider: z.boolean(),
      })
      .strict(),
  })
  .strict() satisfies z.ZodType<BootstrapSettings>;

/** The validated bootstrap settings. */
export type BootstrapConfig = z.output<typeof bootstrapConfigSchema>;
/** What `environments/bootstrap.ts` must provide. */
export type BootstrapConfigInput = z.input<typeof bootstrapConfigSchema>;

/** Name under which the bootstrap settings appear in messages, and the bootstrap stack's name. */
export { BOOTSTRAP_NAME };

/**
 * Validates the bootstrap settings. Problems are reported like an environment's, under the
 * name `bootstrap`.
 *
 * @throws EnvironmentConfigError listing every problem (field path, bad value, what is allowed)
 */
export function validateBootstrapConfig(raw: unknown): BootstrapConfig {
  const result = bootstrapConfigSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new EnvironmentConfigError(BOOTSTRAP_NAME, result.error.issues.flatMap(toProblems));
  return result.data;
}
