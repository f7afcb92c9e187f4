/**
 * The list of every environment check, with where its rule comes from, from which
 * docs/environment-checks.md is generated (`npm run docs`; a test fails when the page
 * is stale). Each check's title is the title of its table-driven case in
 * __tests__/environments/schema/environment.rules.test.ts (one refused value with its exact message, one accepted
 * value), or, for checks tested elsewhere, a test name in the file given as `testedIn`; a
 * test keeps the two lists equal.
 */
import { AWS_REGIONS, ELASTICACHE_NODE_TYPES, POSTGRES_RESERVED_USER_NAMES, RDS_POSTGRES_INSTANCE_CLASSES, RDS_STORAGE_TYPES, RECORDED_OFFERINGS } from '../../lib/aws-facts';

/** Where a rule comes from. */
export type CheckSource = 'AWS' | 'provider' | 'project';

export interface EnvironmentCheck {
  /** The test case's title. */
  readonly title: string;
  /** The field(s) checked, as paths in an environment file. */
  readonly fields: string;
  readonly source: CheckSource;
  /** The document, provider behaviour or project reason behind the rule. */
  readonly reference: string;
  /** The test file (under __tests__/) holding the check's test, when it is not a case of __tests__/environments/schema/environment.rules.test.ts. */
  readonly testedIn?: string;
}

const RDS_GUIDE = 'Amazon RDS User Guide';
const CACHE_GUIDE = 'Amazon ElastiCache User Guide';
const NAMES = 'AWS naming rules per service, lib/names.ts NAME_RULES';

type Row = readonly [title: string, fields: string, source: CheckSource, reference: string, testedIn?: string];

const ROWS: readonly Row[] = [
  // Shape
  ['field type', 'every field', 'project', 'the typed schema in environments/schema/ (one file per section): each field has one type'],
  ['unknown field', 'every section', 'project', 'a typo must not be silently ignored: unknown fields are refused'],
  ['missing or null section', 'every section', 'project', 'every section is required; only policyExceptions has a default ([])'],
  ['positive number', 'loadBalancer.alarms.responseTimeSeconds and other bounded numbers', 'provider', 'CloudWatch alarm thresholds and the bounds of each setting; the message says "greater than" for exclusive bounds'],
  // Names
  ['project name characters', 'projectName', 'project', 'the prefix of every resource name must suit the strictest of them (lower case for RDS subnet groups, no trailing hyphen)'],
  ['target group name over 32 characters', 'projectName', 'AWS', NAMES],
  ['load balancer name starting with internal-', 'projectName', 'AWS', NAMES],
  ['RDS and ElastiCache identifiers with two consecutive hyphens', 'projectName', 'AWS', NAMES],
  ['production must be production-like', 'productionLike', 'project', 'the environment named production gets the strict checks'],
  // Region and network
  ['region AWS has', 'region', 'AWS', AWS_REGIONS.source],
  ['region in lower case', 'region', 'provider', 'hashicorp/aws checks the region name against its list; SigV4 signs with the name as written'],
  ['region in the aws partition', 'region', 'project', 'constructs build arn:aws: ARNs; China and GovCloud use other partitions'],
  ['zone the region has', 'network.availabilityZones', 'AWS', AWS_REGIONS.source],
  ['rejects availability zones outside the region', 'network.availabilityZones', 'AWS', AWS_REGIONS.source, 'environments/schema/environment.test.ts'],
  ['two zones for the DB subnet group', 'network.availabilityZones', 'AWS', `${RDS_GUIDE}, "Working with a DB instance in a VPC": a DB subnet group spans at least two zones`],
  ['CIDR octets without leading zeros', 'network.*Cidr*, security.managementCidrBlocks', 'provider', 'hashicorp/aws compares a CIDR with Go net.IPNet.String(): canonical form only'],
  ['CIDR prefix without leading zero', 'network.*Cidr*, security.managementCidrBlocks', 'provider', 'hashicorp/aws compares a CIDR with Go net.IPNet.String(): canonical form only'],
  ['rejects a malformed CIDR, naming environment, field, value and what is allowed', 'network.*Cidr*', 'provider', 'hashicorp/aws CIDR validation', 'environments/schema/environment.test.ts'],
  ['rejects a CIDR whose address is not the network address', 'network.*Cidr*', 'provider', 'hashicorp/aws: the address must be the network address of the block', 'environments/schema/environment.test.ts'],
  ['rejects a VPC larger than AWS allows', 'network.vpcCidr, network.*SubnetCidrs', 'AWS', 'Amazon VPC User Guide, "VPC CIDR blocks": /16 to /28', 'environments/schema/environment.test.ts'],
  ['rejects a subnet outside the VPC', 'network.*SubnetCidrs', 'AWS', 'Amazon VPC User Guide: a subnet lies inside its VPC', 'environments/schema/environment.test.ts'],
  ['rejects overlapping subnets and names the one it overlaps', 'network.*SubnetCidrs', 'AWS', 'Amazon VPC User Guide: subnets of a VPC do not overlap', 'environments/schema/environment.test.ts'],
  ['rejects subnet lists whose length differs from the number of zones', 'network.*SubnetCidrs', 'project', 'one subnet of each tier per zone (the legacy layout)', 'environments/schema/environment.test.ts'],
  ['rejects an unknown NAT mode with the allowed values', 'network.natGateways', 'project', 'the three NAT layouts the vpc construct builds', 'environments/schema/environment.test.ts'],
  ['rejects a flow-log retention CloudWatch does not accept', 'network.flowLogs.retentionDays', 'AWS', 'CloudWatch Logs API, PutRetentionPolicy retentionInDays', 'environments/schema/environment.test.ts'],
  // Database
  ['PostgreSQL version with a parameter-group family', 'database.engineVersion', 'AWS', `${RDS_GUIDE}, "Supported PostgreSQL versions"; lib/engines.ts`],
  ['RDS instance class format', 'database.instanceClass', 'AWS', `${RDS_GUIDE}, "DB instance class types"`],
  ['RDS instance class family offered for PostgreSQL', 'database.instanceClass', 'AWS', RDS_POSTGRES_INSTANCE_CLASSES.source],
  ['RDS instance class size offered', 'database.instanceClass', 'AWS', RDS_POSTGRES_INSTANCE_CLASSES.source],
  ['storage type', 'database.storageType', 'project', 'gp2, gp3, io1, io2 as AWS offers them; standard (magnetic, previous generation) is refused'],
  ['allocated storage minimum', 'database.allocatedStorage', 'AWS', RDS_STORAGE_TYPES.source],
  ['allocated storage for provisioned IOPS', 'database.allocatedStorage', 'AWS', RDS_STORAGE_TYPES.source],
  ['IOPS required with io1 and io2', 'database.iops', 'AWS', RDS_STORAGE_TYPES.source],
  ['IOPS per GiB of io1', 'database.iops', 'AWS', RDS_STORAGE_TYPES.source],
  ['no IOPS with gp2', 'database.iops', 'AWS', RDS_STORAGE_TYPES.source],
  ['gp3 IOPS from 400 GiB only', 'database.iops, database.storageThroughput', 'AWS', RDS_STORAGE_TYPES.source],
  ['storage throughput with gp3 only', 'database.storageThroughput', 'AWS', RDS_STORAGE_TYPES.source],
  ['gp3 throughput per IOPS', 'database.storageThroughput', 'AWS', RDS_STORAGE_TYPES.source],
  ['gp3 throughput with IOPS', 'database.iops', 'AWS', RDS_STORAGE_TYPES.source],
  ['max allocated storage at least 10% above allocated', 'database.maxAllocatedStorage', 'AWS', `${RDS_GUIDE}, "Managing capacity automatically with storage autoscaling"`],
  ['max allocated storage range', 'database.maxAllocatedStorage', 'AWS', RDS_STORAGE_TYPES.source],
  ['backup retention range', 'database.backupRetentionDays', 'AWS', `${RDS_GUIDE}, "Backup retention period": 0-35 days`],
  ['backup retention in a production-like environment', 'database.backupRetentionDays', 'project', 'a production-like environment keeps a week of backups'],
  ['backup window length', 'database.backupWindow', 'AWS', `${RDS_GUIDE}, "Backup window": at least 30 minutes`],
  ['backup window clock times', 'database.backupWindow', 'AWS', 'RDS API, PreferredBackupWindow: hh24:mi-hh24:mi in UTC'],
  ['backup window clear of the maintenance window', 'database.backupWindow', 'AWS', 'RDS API, PreferredBackupWindow: must not overlap the maintenance window'],
  ['maintenance window day names', 'database.maintenanceWindow', 'AWS', 'RDS API, PreferredMaintenanceWindow: ddd:hh24:mi-ddd:hh24:mi'],
  ['maintenance window day names in any case', 'database.maintenanceWindow, cache.maintenanceWindow', 'provider', 'AWS accepts Mon or mon and hashicorp/aws stores lower case; the config stores lower case'],
  ['Performance Insights retention', 'database.performanceInsights.retentionDays', 'AWS', 'RDS API, PerformanceInsightsRetentionPeriod: 7, 31 x months, 731'],
  ['master user name RDS reserves', 'database.masterUsername', 'AWS', POSTGRES_RESERVED_USER_NAMES.source],
  ['master user name without pg_', 'database.masterUsername', 'AWS', 'PostgreSQL documentation, "Predefined Roles": names starting with pg_ are reserved'],
  ['database name not a reserved key word', 'database.databaseName', 'AWS', `${RDS_GUIDE}, "Naming constraints": DBName not a word the engine reserves; PostgreSQL Appendix C`],
  ['database name not an existing database', 'database.databaseName', 'AWS', 'RDS for PostgreSQL creates rdsadmin, template0 and template1 on every instance'],
  // Cache
  ['Redis version with a parameter-group family', 'cache.engineVersion', 'AWS', `${CACHE_GUIDE}, "Supported engines and versions"; lib/engines.ts`],
  ['ElastiCache node type format', 'cache.nodeType', 'AWS', `${CACHE_GUIDE}, "Supported node types"`],
  ['ElastiCache node type offered', 'cache.nodeType', 'AWS', ELASTICACHE_NODE_TYPES.source],
  ['Multi-AZ needs two nodes', 'cache.multiAz', 'AWS', `${CACHE_GUIDE}, "Minimizing downtime with Multi-AZ": a replica is required`],
  ['AUTH requires TLS', 'cache.authToken', 'AWS', `${CACHE_GUIDE}, "Authenticating with the Redis AUTH command": needs in-transit encryption`],
  ['snapshot retention range', 'cache.snapshotRetentionDays', 'AWS', 'ElastiCache API, SnapshotRetentionLimit: 0-35'],
  ['snapshot window length', 'cache.snapshotWindow', 'AWS', 'ElastiCache API, SnapshotWindow: at least 60 minutes'],
  ['snapshot window clear of the maintenance window', 'cache.snapshotWindow', 'AWS', 'ElastiCache API: the snapshot and maintenance windows must not overlap'],
  ['Redis log retention', 'cache.logRetentionDays', 'AWS', 'CloudWatch Logs API, PutRetentionPolicy retentionInDays'],
  // ECS
  ['Fargate CPU size', 'ecs.backend.cpu, ecs.frontend.cpu', 'AWS', 'Amazon ECS Developer Guide, "Task CPU and memory" (Fargate)'],
  ['Fargate memory for 1024 CPU units', 'ecs.*.memory', 'AWS', 'Amazon ECS Developer Guide, "Task CPU and memory" (Fargate)'],
  ['Fargate memory for 256 CPU units', 'ecs.*.memory', 'AWS', 'Amazon ECS Developer Guide, "Task CPU and memory" (Fargate)'],
  ['desired count inside the autoscaling range', 'ecs.backend.desiredCount', 'project', 'autoscaling would move it anyway; the plan would show a change after every scaling'],
  ['autoscaling minimum not above maximum', 'ecs.backend.autoscaling.minCapacity', 'AWS', 'Application Auto Scaling API, RegisterScalableTarget'],
  ['container log retention', 'ecs.logRetentionDays', 'AWS', 'CloudWatch Logs API, PutRetentionPolicy retentionInDays'],
  // GitHub
  ['OIDC provider ARN with a placeholder account (D6)', 'github.oidcProviderArn', 'AWS', 'IAM ARN format: a 12-digit account id'],
  ['OIDC provider ARN and a created provider (D7, D14)', 'github.oidcProviderArn', 'project', 'one owner of the provider per account; its creator trusts its own'],
  ['OIDC provider in the configured account', 'github.oidcProviderArn', 'AWS', 'IAM: a role trusts a provider of its own account'],
  ['deploy subjects of the configured repository', 'github.deploySubjects', 'project', 'only the configured repository deploys'],
  ['deploy subjects without wildcards (D21)', 'github.deploySubjects', 'project', 'exact subjects only (D21)'],
  ['deploy subjects without ? (the deploy role would refuse them)', 'github.deploySubjects', 'project', 'exact subjects only (D21); git refs cannot contain ? anyway'],
  ['deploy subjects apart from the Terraform pipeline roles', 'github.deploySubjects', 'project', 'the application deploy role and the Terraform roles trust different GitHub environments (lib/pipeline.ts), so a deploy job cannot apply Terraform'],
  // Application
  ['domain name syntax', 'application.domain, application.backendDomain, stateBackend.hostname', 'AWS', 'RFC 1035 host names as Route 53 and ACM accept them'],
  ['host names in any case', 'application.*Domain, application.frontendHost, application.backendCorsOrigins', 'AWS', 'DNS ignores case; the config stores lower case'],
  ['backend domain under the domain', 'application.backendDomain', 'project', 'the API is served under the environment domain'],
  ['frontend host under the domain', 'application.frontendHost', 'project', 'the dashboard is served under the environment domain'],
  ['CORS origins include the frontend', 'application.backendCorsOrigins', 'project', 'the dashboard must be able to call the API'],
  ['HTTPS-only CORS origins in a production-like environment', 'application.backendCorsOrigins', 'project', 'no plain-HTTP origins where real users are'],
  ['image repository as the image variables accept', 'application.backendImage, application.frontendImage', 'project', 'the same pattern as the backend_image and frontend_image variable validation (stacks/deployment-variables.ts), a subset of the Docker reference grammar'],
  ['is refused while the placeholders are there, one problem each naming the field and what it takes', 'application.domain, application.backendDomain, application.frontendHost, application.backendCorsOrigins', 'project', 'npm run env:new cannot know a new environment\'s addresses; a placeholder must not reach AWS', 'scripts/env-new.test.ts'],
  ['image tag as the tag variables accept', 'application.imageTag', 'provider', 'the Docker tag grammar, the same pattern as the *_image_tag variable validation'],
  // Monitoring, policy, state
  ['refuses notifications without subscribers, and subscribers with notifications off', 'monitoring.notifications', 'project', 'an alarm must reach someone, or say explicitly that it does not', 'constructs/monitoring.test.ts'],
  ['exception for a rule that exists', 'policyExceptions.*.rule', 'project', 'lib/policy/rule-ids.ts'],
  ['exception naming a Terraform address', 'policyExceptions.*.resource', 'project', 'exceptions name one resource of the stack'],
  ['exception with a reason', 'policyExceptions.*.reason', 'project', 'every exception explains itself'],
  ['one exception per rule and resource', 'policyExceptions', 'project', 'one reason per exception'],
  ['state backend validation', 'stateBackend', 'provider', 'Terraform cloud block and HCP Terraform naming rules', 'stacks/state-backend.cloud.test.ts'],
  // Across stacks
  ['refuses a second environment with the same projectName in the same account and region, naming both and the fix', 'projectName', 'AWS', 'names unique per account (IAM, dashboards) or per account and region (everything else); lib/names.ts NAME_SCOPES', 'environments/schema/environment.rules.test.ts'],
  ['refuses two environments creating it', 'github.createOidcProvider', 'AWS', 'IAM: one OIDC provider per URL per account (D14)', 'stacks/bootstrap-stack.test.ts'],
  ['refuses a range overlapping another environment that may share the account, naming both and a free range', 'network.vpcCidr', 'project', 'peering, VPNs and shared routes need disjoint VPC ranges; a VPC range cannot change without replacing the VPC', 'environments/load.test.ts'],
  ['refuse two environments sharing one workspace', 'stateBackend.workspace', 'project', 'two environments in one workspace would overwrite each other\'s state', 'stacks/state-backend.cloud.test.ts'],
  ['bootstrap settings validation', 'environments/bootstrap.ts', 'AWS', 'S3 lifecycle and KMS deletion window limits', 'stacks/bootstrap-stack.test.ts'],
];

/** Every check, in page order. */
export const ENVIRONMENT_CHECKS: readonly EnvironmentCheck[] = ROWS.map(([title, fields, source, reference, testedIn]) => ({
  title,
  fields,
  source,
  reference,
  ...(testedIn ? { testedIn } : {}),
}));

const SOURCE_HEADINGS: Readonly<Record<CheckSource, string>> = {
  AWS: 'AWS refuses it (AWS documentation or API reference)',
  provider: 'Terraform or the hashicorp/aws provider refuses it, or normalises it',
  project: "This project's own rule",
};

/** docs/environment-checks.md. */
/** The regions with Price List offerings recorded in lib/aws-offerings.ts, each with where its lists come from. */
function recordedRegions(): string {
  const regions = Object.values(RECORDED_OFFERINGS).map((o) => `${o.region} (${o.source})`);
  return regions.length > 0 ? regions.join('; ') : 'no region yet, so every region is checked against the documented lists';
}

export function renderEnvironmentChecksPage(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const sections = (Object.keys(SOURCE_HEADINGS) as CheckSource[]).map((source) => {
    const rows = ENVIRONMENT_CHECKS.filter((c) => c.source === source);
    return [
      `## ${SOURCE_HEADINGS[source]} (${rows.length})`,
      '',
      '| Check | Fields | Source |',
      '| --- | --- | --- |',
      ...rows.map((c) => `| ${cell(c.title)} | ${cell(c.fields)} | ${cell(c.reference)} |`),
      '',
    ].join('\n');
  });
  return [
    '# Environment checks',
    '',
    '<!-- Generated by `npm run docs` from tooling/docs/environment-checks.ts; a test fails when this page is stale. -->',
    '',
    `Every check \`npm run synth\` makes on an environment file (environments/<name>.ts) before building anything: ${ENVIRONMENT_CHECKS.length} in all.`,
    'A refused setting stops the synth with the environment, the field, the value and what is allowed; every problem is reported at once,',
    'and the previous cdktf.out/ is left as it was. Each check has a test case with a refused value (and its exact message) and an accepted one,',
    'named by the check\'s title, in __tests__/environments/schema/environment.rules.test.ts unless another file is given.',
    '',
    'The AWS facts (regions and zones, instance classes, node types, reserved names, storage settings) are data in lib/aws-facts.ts, each with',
    'its source. The instance classes and node types of a region recorded in lib/aws-offerings.ts (written by `npm run cost:refresh` from the',
    'AWS Price List, with the price catalogue) are checked against its lists; any other region against the documented lists. Recorded:',
    `${recordedRegions()}.`,
    '',
    ...sections,
  ].join('\n');
}
