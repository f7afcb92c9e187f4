/**
 * The table of config checks: for each, a breaking change with its exact problems and a passing
 * change of the same field. Titles are the checks' titles in tooling/docs/environment-checks.ts (the
 * generated docs/environment-checks.md); __tests__/tooling/docs/environment-checks.test.ts keeps both equal.
 */
import { AWS_REGIONS } from '../../lib/aws-facts';
import { EnvName } from './helpers';

export type Mutate = (raw: Record<string, any>) => void;

/** [validation, environment, breaking change, exact problems, a passing change of the same field] */
export type Case = [string, EnvName, Mutate, string[], Mutate];

export const cases: Case[] = [
  // Names built from the project name (lib/names.ts)
  [
    'target group name over 32 characters',
    'staging',
    (r) => (r.projectName = 'ohmycoins-staging-eu1'),
    [
      '- staging.projectName = "ohmycoins-staging-eu1": gives the target group name "ohmycoins-staging-eu1-frontend-tg" (alb.frontendTargetGroup), which is 33 characters; AWS allows at most 32; projectName can have at most 20 characters',
    ],
    (r) => (r.projectName = 'ohmycoins-production'),
  ],
  [
    'load balancer name starting with internal-',
    'staging',
    (r) => (r.projectName = 'internal-app'),
    [
      '- staging.projectName = "internal-app": gives the load balancer name "internal-app-alb" (alb.loadBalancer), which breaks AWS\'s character rule (letters, digits and hyphens, not starting or ending with a hyphen, not starting with "internal-")',
    ],
    (r) => (r.projectName = 'intern-app'),
  ],
  [
    'RDS and ElastiCache identifiers with two consecutive hyphens',
    'production',
    (r) => (r.projectName = 'ohmycoins--prod'),
    [
      'RDS parameter group name "ohmycoins--prod-postgres-params" (rds.parameterGroup)',
      'RDS identifier "ohmycoins--prod-postgres" (rds.instance)',
      'RDS identifier "ohmycoins--prod-postgres-replica" (rds.replica)',
      'RDS identifier "ohmycoins--prod-final-snapshot" (rds.finalSnapshot)',
      'ElastiCache parameter group name "ohmycoins--prod-redis-params" (redis.parameterGroup)',
      'ElastiCache replication group id "ohmycoins--prod-redis" (redis.replicationGroup)',
    ].map(
      (name) =>
        `- production.projectName = "ohmycoins--prod": gives the ${name}, which breaks AWS's character rule (letters, digits and hyphens, starting with a letter, without two consecutive hyphens, not ending with a hyphen)`,
    ),
    (r) => (r.projectName = 'ohmycoins-prod-2'),
  ],
  [
    'project name characters',
    'staging',
    (r) => (r.projectName = 'OhMyCoins'),
    ['- staging.projectName = "OhMyCoins": must be lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit'],
    (r) => (r.projectName = 'ohmycoins2'),
  ],
  // Fargate
  [
    'Fargate CPU size',
    'staging',
    (r) => (r.ecs.frontend.cpu = 300),
    ['- staging.ecs.frontend.cpu = 300: must be a Fargate task CPU size: 256, 512, 1024, 2048, 4096, 8192, 16384 (CPU units)'],
    (r) => {
      r.ecs.frontend.cpu = 512;
      r.ecs.frontend.memory = 1024;
    },
  ],
  [
    'Fargate memory for 1024 CPU units',
    'production',
    (r) => (r.ecs.backend.memory = 1536),
    ['- production.ecs.backend.memory = 1536: must be a memory size Fargate offers with 1024 CPU units: 2048-8192 in steps of 1024 (MiB)'],
    (r) => (r.ecs.backend.memory = 8192),
  ],
  [
    'Fargate memory for 256 CPU units',
    'staging',
    (r) => (r.ecs.frontend.memory = 1536),
    ['- staging.ecs.frontend.memory = 1536: must be a memory size Fargate offers with 256 CPU units: 512, 1024, 2048 (MiB)'],
    (r) => (r.ecs.frontend.memory = 2048),
  ],
  // Counts
  [
    'desired count inside the autoscaling range',
    'production',
    (r) => (r.ecs.backend.desiredCount = 1),
    ['- production.ecs.backend.desiredCount = 1: must lie between autoscaling.minCapacity (2) and autoscaling.maxCapacity (10) while autoscaling is enabled'],
    (r) => (r.ecs.backend.desiredCount = 10),
  ],
  [
    'autoscaling minimum not above maximum',
    'production',
    (r) => (r.ecs.backend.autoscaling.minCapacity = 11),
    ['- production.ecs.backend.autoscaling.minCapacity = 11: must not exceed maxCapacity (10)'],
    (r) => (r.ecs.backend.autoscaling.minCapacity = 1),
  ],
  // RDS
  [
    'RDS instance class format',
    'staging',
    (r) => (r.database.instanceClass = 't3.micro'),
    ['- staging.database.instanceClass = "t3.micro": must be an RDS instance class: db, a family and a size joined by dots, e.g. db.t3.micro, db.t4g.small, db.m7g.large or db.r6g.2xlarge'],
    (r) => (r.database.instanceClass = 'db.r6g.2xlarge'),
  ],
  [
    'allocated storage minimum',
    'staging',
    (r) => (r.database.allocatedStorage = 10),
    ['- staging.database.allocatedStorage = 10: must be at least 20'],
    (r) => (r.database.allocatedStorage = 20),
  ],
  [
    'allocated storage for provisioned IOPS',
    'production',
    (r) => {
      r.database.storageType = 'io1';
      r.database.iops = 1000;
    },
    ['- production.database.allocatedStorage = 50: must be at least 100 GiB with storageType io1 (50 GiB is enough only for gp2 and gp3)'],
    (r) => {
      r.database.storageType = 'io1';
      r.database.iops = 1000;
      r.database.allocatedStorage = 100;
      r.database.maxAllocatedStorage = 200;
    },
  ],
  [
    'max allocated storage at least 10% above allocated',
    'production',
    (r) => (r.database.maxAllocatedStorage = 52),
    ['- production.database.maxAllocatedStorage = 52: must be 0 (storage autoscaling off) or at least 10% above allocatedStorage (50 GiB): 55 or more, up to 65536'],
    (r) => (r.database.maxAllocatedStorage = 55),
  ],
  [
    'max allocated storage range',
    'staging',
    (r) => (r.database.maxAllocatedStorage = 70000),
    ['- staging.database.maxAllocatedStorage = 70000: must be at most 65536'],
    (r) => (r.database.maxAllocatedStorage = 0),
  ],
  [
    'backup retention range',
    'staging',
    (r) => (r.database.backupRetentionDays = 36),
    ['- staging.database.backupRetentionDays = 36: must be at most 35'],
    (r) => (r.database.backupRetentionDays = 35),
  ],
  [
    'backup retention in a production-like environment',
    'production',
    (r) => (r.database.backupRetentionDays = 3),
    ['- production.database.backupRetentionDays = 3: must be at least 7 days in a production-like environment (productionLike: true); 0-35 elsewhere'],
    (r) => (r.database.backupRetentionDays = 7),
  ],
  [
    'PostgreSQL version with a parameter-group family',
    'staging',
    (r) => (r.database.engineVersion = '12'),
    [
      '- staging.database.engineVersion = "12": must be a PostgreSQL major version RDS offers, each with its parameter-group family: 13 (postgres13), 14 (postgres14), 15 (postgres15), 16 (postgres16), 17 (postgres17)',
    ],
    (r) => (r.database.engineVersion = '16'),
  ],
  [
    'backup window length',
    'staging',
    (r) => (r.database.backupWindow = '03:00-03:15'),
    ['- staging.database.backupWindow = "03:00-03:15": must be at least 30 minutes long (RDS refuses shorter windows)'],
    (r) => (r.database.backupWindow = '03:00-03:30'),
  ],
  [
    'backup window clock times',
    'staging',
    (r) => (r.database.backupWindow = '25:00-26:00'),
    ['- staging.database.backupWindow = "25:00-26:00": must use valid UTC times: hours 00-23, minutes 00-59'],
    (r) => (r.database.backupWindow = '23:30-00:30'),
  ],
  [
    'backup window clear of the maintenance window',
    'production',
    (r) => (r.database.backupWindow = '04:30-05:30'),
    ['- production.database.backupWindow = "04:30-05:30": must not overlap the maintenance window sun:04:00-sun:05:00 (RDS refuses overlapping windows)'],
    (r) => (r.database.backupWindow = '05:00-05:30'),
  ],
  [
    'maintenance window day names',
    'production',
    (r) => (r.database.maintenanceWindow = 'sun:04:00-xyz:05:00'),
    ['- production.database.maintenanceWindow = "sun:04:00-xyz:05:00": must be ddd:hh24:mi-ddd:hh24:mi with ddd one of mon, tue, wed, thu, fri, sat, sun (any case)'],
    (r) => (r.database.maintenanceWindow = 'sat:23:30-sun:00:30'),
  ],
  [
    'Performance Insights retention',
    'production',
    (r) => (r.database.performanceInsights.retentionDays = 30),
    ['- production.database.performanceInsights.retentionDays = 30: must be a retention Performance Insights accepts: 7, a whole number of months as 31 x n (31, 62, ..., 713), or 731'],
    (r) => (r.database.performanceInsights.retentionDays = 62),
  ],
  [
    'two zones for the DB subnet group',
    'staging',
    (r) => {
      r.network.availabilityZones = ['ap-southeast-2a'];
      for (const tier of ['publicSubnetCidrs', 'privateAppSubnetCidrs', 'privateDbSubnetCidrs']) r.network[tier].pop();
    },
    ['- staging.network.availabilityZones = ["ap-southeast-2a"]: must list at least 2 zones: the RDS DB subnet group needs subnets in two availability zones'],
    (r) => (r.network.availabilityZones = ['ap-southeast-2a', 'ap-southeast-2c']),
  ],
  // ElastiCache
  [
    'ElastiCache node type format',
    'staging',
    (r) => (r.cache.nodeType = 'cache.t3'),
    ['- staging.cache.nodeType = "cache.t3": must be an ElastiCache node type: cache, a family and a size joined by dots, e.g. cache.t3.micro, cache.t4g.small or cache.r7g.large'],
    (r) => (r.cache.nodeType = 'cache.r7g.xlarge'),
  ],
  [
    'Multi-AZ needs two nodes',
    'staging',
    (r) => (r.cache.multiAz = true),
    ['- staging.cache.multiAz = true: requires numCacheClusters of at least 2 (it is 1): Multi-AZ and automatic failover need a replica to fail over to'],
    (r) => {
      r.cache.multiAz = true;
      r.cache.numCacheClusters = 2;
    },
  ],
  [
    'snapshot retention range',
    'production',
    (r) => (r.cache.snapshotRetentionDays = 36),
    ['- production.cache.snapshotRetentionDays = 36: must be at most 35'],
    (r) => (r.cache.snapshotRetentionDays = 0),
  ],
  [
    'AUTH requires TLS',
    'staging',
    (r) => (r.cache.authToken = true),
    [
      '- staging.cache.authToken = true: must be false when cache.transitEncryption is false: ElastiCache accepts an AUTH token only with encryption in transit; set cache.transitEncryption to true or cache.authToken to false',
    ],
    (r) => {
      r.cache.authToken = true;
      r.cache.transitEncryption = true;
    },
  ],
  [
    'Redis version with a parameter-group family',
    'production',
    (r) => (r.cache.engineVersion = '5.0'),
    ['- production.cache.engineVersion = "5.0": must be a Redis version ElastiCache offers, each with its parameter-group family: 6.0 (redis6.x), 6.2 (redis6.x), 7.0 (redis7), 7.1 (redis7)'],
    (r) => (r.cache.engineVersion = '7.1'),
  ],
  [
    'snapshot window length',
    'staging',
    (r) => (r.cache.snapshotWindow = '03:00-03:30'),
    ['- staging.cache.snapshotWindow = "03:00-03:30": must be at least 60 minutes long (ElastiCache refuses shorter windows)'],
    (r) => (r.cache.snapshotWindow = '03:00-04:00'),
  ],
  [
    'snapshot window clear of the maintenance window',
    'staging',
    (r) => (r.cache.snapshotWindow = '04:00-06:00'),
    ['- staging.cache.snapshotWindow = "04:00-06:00": must not overlap the maintenance window sun:05:00-sun:07:00 (ElastiCache refuses overlapping windows)'],
    (r) => (r.cache.snapshotWindow = '07:00-08:00'),
  ],
  // ARNs and the GitHub identity
  [
    'OIDC provider ARN with a placeholder account (D6)',
    'production',
    (r) => (r.github.oidcProviderArn = 'arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com'),
    [
      '- production.github.oidcProviderArn = "arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com": must be an IAM OIDC provider ARN with a 12-digit account id, e.g. arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    ],
    (r) => (r.github.oidcProviderArn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'),
  ],
  [
    'OIDC provider ARN and a created provider (D7, D14)',
    'staging',
    (r) => (r.github.oidcProviderArn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'),
    [
      '- staging.github.oidcProviderArn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com": must be unset when github.createOidcProvider is true: the deploy role then trusts the provider this stack creates (one owner per account, D14)',
    ],
    (r) => {
      r.github.createOidcProvider = false;
      r.github.oidcProviderArn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    },
  ],
  [
    'OIDC provider in the configured account',
    'production',
    (r) => {
      r.accountId = '111111111111';
      r.github.oidcProviderArn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    },
    ['- production.github.oidcProviderArn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com": must belong to the configured account 111111111111'],
    (r) => {
      r.accountId = '123456789012';
      r.github.oidcProviderArn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    },
  ],
  [
    'deploy subjects of the configured repository',
    'production',
    (r) => (r.github.deploySubjects = ['repo:someone/else:environment:production']),
    ['- production.github.deploySubjects.0 = "repo:someone/else:environment:production": must be a subject of the configured repository: repo:MarkLimmage/ohmycoins:...'],
    (r) => (r.github.deploySubjects = ['repo:MarkLimmage/ohmycoins:ref:refs/tags/v1.0.0']),
  ],
  [
    'deploy subjects without wildcards (D21)',
    'staging',
    (r) => (r.github.deploySubjects = ['repo:MarkLimmage/ohmycoins:*']),
    [
      '- staging.github.deploySubjects.0 = "repo:MarkLimmage/ohmycoins:*": must be an exact GitHub OIDC subject (no wildcards), e.g. repo:octo-org/app:ref:refs/heads/main, repo:octo-org/app:ref:refs/tags/v1.2.0, repo:octo-org/app:environment:production or repo:octo-org/app:pull_request',
    ],
    (r) => (r.github.deploySubjects = ['repo:MarkLimmage/ohmycoins:environment:staging-deploy']),
  ],
  [
    'deploy subjects apart from the Terraform pipeline roles',
    'production',
    (r) => (r.github.deploySubjects = ['repo:MarkLimmage/ohmycoins:environment:production', 'repo:MarkLimmage/ohmycoins:pull_request']),
    [
      '- production.github.deploySubjects.0 = "repo:MarkLimmage/ohmycoins:environment:production": must not be a subject of the Terraform pipeline roles (pull_request, environment:production-plan, environment:production, environment:production-drift): give the deploy workflow its own GitHub environment, e.g. environment:production-deploy',
      '- production.github.deploySubjects.1 = "repo:MarkLimmage/ohmycoins:pull_request": must not be a subject of the Terraform pipeline roles (pull_request, environment:production-plan, environment:production, environment:production-drift): give the deploy workflow its own GitHub environment, e.g. environment:production-deploy',
    ],
    (r) => (r.github.deploySubjects = ['repo:MarkLimmage/ohmycoins:environment:production-deploy']),
  ],
  [
    'deploy subjects without ? (the deploy role would refuse them)',
    'staging',
    (r) => (r.github.deploySubjects = ['repo:MarkLimmage/ohmycoins:ref:refs/heads/release-?']),
    [
      '- staging.github.deploySubjects.0 = "repo:MarkLimmage/ohmycoins:ref:refs/heads/release-?": must be an exact GitHub OIDC subject (no wildcards), e.g. repo:octo-org/app:ref:refs/heads/main, repo:octo-org/app:ref:refs/tags/v1.2.0, repo:octo-org/app:environment:production or repo:octo-org/app:pull_request',
    ],
    (r) => (r.github.deploySubjects = ['repo:MarkLimmage/ohmycoins:ref:refs/heads/release-1']),
  ],
  // Domain names
  [
    'backend domain under the domain',
    'production',
    (r) => (r.application.backendDomain = 'api.example.com'),
    ['- production.application.backendDomain = "api.example.com": must be ohmycoins.com or a name under it, e.g. api.ohmycoins.com'],
    (r) => (r.application.backendDomain = 'ohmycoins.com'),
  ],
  [
    'domain name syntax',
    'staging',
    (r) => (r.application.domain = `${'a'.repeat(64)}.ohmycoins.com`),
    [`- staging.application.domain = "${'a'.repeat(64)}.ohmycoins.com": must be a DNS name such as api.example.com`],
    (r) => (r.application.domain = 'ohmycoins.com'),
  ],
  [
    'frontend host under the domain',
    'staging',
    (r) => {
      r.application.frontendHost = 'https://dashboard.ohmycoins.net';
      r.application.backendCorsOrigins = ['https://dashboard.ohmycoins.net'];
    },
    ['- staging.application.frontendHost = "https://dashboard.ohmycoins.net": must be served from staging.ohmycoins.com or a name under it, e.g. https://dashboard.staging.ohmycoins.com'],
    (r) => {
      r.application.frontendHost = 'https://staging.ohmycoins.com';
      r.application.backendCorsOrigins = ['https://staging.ohmycoins.com'];
    },
  ],
  [
    'CORS origins include the frontend',
    'production',
    (r) => (r.application.backendCorsOrigins = ['https://admin.ohmycoins.com']),
    ['- production.application.backendCorsOrigins = ["https://admin.ohmycoins.com"]: must include frontendHost (https://dashboard.ohmycoins.com) so the dashboard can call the API'],
    (r) => (r.application.backendCorsOrigins = ['https://admin.ohmycoins.com', 'https://dashboard.ohmycoins.com']),
  ],
  [
    'HTTPS-only CORS origins in a production-like environment',
    'production',
    (r) => r.application.backendCorsOrigins.push('http://localhost:5173'),
    ['- production.application.backendCorsOrigins.1 = "http://localhost:5173": must be an https:// origin in a production-like environment'],
    (r) => r.application.backendCorsOrigins.push('https://localhost:5173'),
  ],
  // Log retention
  [
    'container log retention',
    'production',
    (r) => (r.ecs.logRetentionDays = 31),
    [
      '- production.ecs.logRetentionDays = 31: must be a retention CloudWatch Logs accepts: one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
    ],
    (r) => (r.ecs.logRetentionDays = 3653),
  ],
  [
    'Redis log retention',
    'staging',
    (r) => (r.cache.logRetentionDays = 0),
    [
      '- staging.cache.logRetentionDays = 0: must be a retention CloudWatch Logs accepts: one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
    ],
    (r) => (r.cache.logRetentionDays = 1),
  ],
  // AWS facts (lib/aws-facts.ts) and provider grammar
  [
    'CIDR octets without leading zeros',
    'staging',
    (r) => (r.security.managementCidrBlocks = ['10.01.0.0/16']),
    ['- staging.security.managementCidrBlocks.0 = "10.01.0.0/16": must be an IPv4 CIDR block in canonical network form, e.g. 10.0.0.0/16: four numbers 0-255 without leading zeros, a prefix 0-32, the address aligned to the prefix'],
    (r) => (r.security.managementCidrBlocks = ['10.1.0.0/16']),
  ],
  [
    'CIDR prefix without leading zero',
    'staging',
    (r) => (r.network.vpcCidr = '10.0.0.0/016'),
    ['- staging.network.vpcCidr = "10.0.0.0/016": must be an IPv4 CIDR block in canonical network form, e.g. 10.0.0.0/16: four numbers 0-255 without leading zeros, a prefix 0-32, the address aligned to the prefix'],
    (r) => (r.network.vpcCidr = '10.0.0.0/16'),
  ],
  [
    'region AWS has',
    'staging',
    (r) => {
      r.region = 'ap-southeast-9';
      r.network.availabilityZones = ['ap-southeast-9a', 'ap-southeast-9b'];
    },
    [`- staging.region = "ap-southeast-9": must be an AWS region: ${Object.keys(AWS_REGIONS.value).join(', ')}`],
    (r) => {
      r.region = 'eu-west-1';
      r.network.availabilityZones = ['eu-west-1a', 'eu-west-1b'];
    },
  ],
  [
    'region in lower case',
    'production',
    (r) => (r.region = 'AP-Southeast-2'),
    ['- production.region = "AP-Southeast-2": must be written in lower case, ap-southeast-2: the provider and request signing use the region name as written'],
    (r) => (r.region = 'ap-southeast-2'),
  ],
  [
    'region in the aws partition',
    'staging',
    (r) => {
      r.region = 'cn-north-1';
      r.network.availabilityZones = ['cn-north-1a', 'cn-north-1b'];
    },
    ['- staging.region = "cn-north-1": must be a region of the aws partition: this project builds arn:aws: ARNs, which China and GovCloud regions do not use (project rule)'],
    (r) => {
      r.region = 'us-east-1';
      r.network.availabilityZones = ['us-east-1a', 'us-east-1f'];
    },
  ],
  [
    'zone the region has',
    'production',
    (r) => (r.network.availabilityZones[2] = 'ap-southeast-2d'),
    ['- production.network.availabilityZones.2 = "ap-southeast-2d": must be a zone of the configured region ap-southeast-2: ap-southeast-2a, ap-southeast-2b, ap-southeast-2c'],
    (r) => (r.network.availabilityZones = ['ap-southeast-2c', 'ap-southeast-2a', 'ap-southeast-2b']),
  ],
  [
    'RDS instance class family offered for PostgreSQL',
    'staging',
    (r) => (r.database.instanceClass = 'db.c5.large'),
    [
      '- staging.database.instanceClass = "db.c5.large": is not an RDS instance class offered for PostgreSQL (AWS documentation, lib/aws-facts.ts): there is no family db.c5; the db families are t3, t4g, m5, m5d, m6g, m6gd, m6i, m6id, m6idn, m6in, m7g, m7i, m8g, r5, r5b, r5d, r6g, r6gd, r6i, r6id, r6idn, r6in, r7g, r7i, r8g, x2g, x2idn, x2iedn, x2iezn',
    ],
    (r) => (r.database.instanceClass = 'db.m7g.large'),
  ],
  [
    'RDS instance class size offered',
    'staging',
    // The right shape (the format check accepts it), a size AWS does not have: the family's sizes are listed.
    (r) => (r.database.instanceClass = 'db.t3.mega'),
    ['- staging.database.instanceClass = "db.t3.mega": is not an RDS instance class offered for PostgreSQL (AWS documentation, lib/aws-facts.ts): db.t3 has no size "mega"; it comes in micro, small, medium, large, xlarge, 2xlarge'],
    (r) => (r.database.instanceClass = 'db.t3.2xlarge'),
  ],
  [
    'ElastiCache node type offered',
    'staging',
    (r) => (r.cache.nodeType = 'cache.t4g.large'),
    ['- staging.cache.nodeType = "cache.t4g.large": is not an ElastiCache node type offered for Redis OSS (AWS documentation, lib/aws-facts.ts): cache.t4g has no size "large"; it comes in micro, small, medium'],
    (r) => (r.cache.nodeType = 'cache.t4g.medium'),
  ],
  [
    'master user name RDS reserves',
    'staging',
    (r) => (r.database.masterUsername = 'Admin'),
    ['- staging.database.masterUsername = "Admin": must not be a reserved name: "admin" is a name RDS for PostgreSQL reserves (see lib/aws-facts.ts)'],
    (r) => (r.database.masterUsername = 'app_admin'),
  ],
  [
    'master user name without pg_',
    'staging',
    (r) => (r.database.masterUsername = 'pg_app'),
    ['- staging.database.masterUsername = "pg_app": must not be a reserved name: PostgreSQL reserves role names starting with pg_ (see lib/aws-facts.ts)'],
    (r) => (r.database.masterUsername = 'app_pg'),
  ],
  [
    'database name not a reserved key word',
    'staging',
    (r) => (r.database.databaseName = 'user'),
    ['- staging.database.databaseName = "user": must not be a reserved name: "user" is a key word PostgreSQL reserves (see lib/aws-facts.ts)'],
    (r) => (r.database.databaseName = 'users'),
  ],
  [
    'database name not an existing database',
    'staging',
    (r) => (r.database.databaseName = 'template1'),
    ['- staging.database.databaseName = "template1": must not be a reserved name: "template1" already exists on every RDS for PostgreSQL instance (see lib/aws-facts.ts)'],
    (r) => (r.database.databaseName = 'template'),
  ],
  [
    'IOPS required with io1 and io2',
    'production',
    (r) => Object.assign(r.database, { storageType: 'io2', allocatedStorage: 100, maxAllocatedStorage: 200 }),
    ['- production.database.iops = (missing): is required with storageType io2: 1000-256000 provisioned IOPS, 0.5-1000 per GiB of allocatedStorage'],
    (r) => Object.assign(r.database, { storageType: 'io2', allocatedStorage: 100, maxAllocatedStorage: 200, iops: 1000 }),
  ],
  [
    'IOPS per GiB of io1',
    'production',
    (r) => Object.assign(r.database, { storageType: 'io1', allocatedStorage: 100, maxAllocatedStorage: 200, iops: 6000 }),
    ['- production.database.iops = 6000: must be 1000-5000 for 100 GiB of io1 (1000-256000 IOPS, 0.5-50 IOPS per GiB)'],
    (r) => Object.assign(r.database, { storageType: 'io1', allocatedStorage: 100, maxAllocatedStorage: 200, iops: 5000 }),
  ],
  [
    'no IOPS with gp2',
    'staging',
    (r) => Object.assign(r.database, { storageType: 'gp2', iops: 3000 }),
    ['- staging.database.iops = 3000: must be unset with storageType gp2: RDS provisions IOPS only for gp3 (from 400 GiB), io1 and io2'],
    (r) => Object.assign(r.database, { storageType: 'gp2' }),
  ],
  [
    'gp3 IOPS from 400 GiB only',
    'production',
    (r) => (r.database.iops = 12000),
    ['- production.database.iops = 12000: must be unset with gp3 below 400 GiB (allocatedStorage is 50): RDS for PostgreSQL includes 3,000 IOPS and 125 MiB/s there and refuses explicit values'],
    (r) => Object.assign(r.database, { allocatedStorage: 400, maxAllocatedStorage: 500, iops: 12000 }),
  ],
  [
    'storage throughput with gp3 only',
    'production',
    (r) => Object.assign(r.database, { storageType: 'io1', allocatedStorage: 100, maxAllocatedStorage: 200, iops: 1000, storageThroughput: 500 }),
    ['- production.database.storageThroughput = 500: must be unset with storageType io1: only gp3 takes a storage throughput'],
    (r) => Object.assign(r.database, { allocatedStorage: 400, maxAllocatedStorage: 500, iops: 12000, storageThroughput: 500 }),
  ],
  [
    'gp3 throughput per IOPS',
    'production',
    (r) => Object.assign(r.database, { allocatedStorage: 400, maxAllocatedStorage: 500, iops: 12000, storageThroughput: 4000 }),
    ['- production.database.storageThroughput = 4000: must be at most 0.25 MiB/s per provisioned IOPS (3000 for 12000 IOPS)'],
    (r) => Object.assign(r.database, { allocatedStorage: 400, maxAllocatedStorage: 500, iops: 12000, storageThroughput: 3000 }),
  ],
  [
    'gp3 throughput with IOPS',
    'production',
    (r) => Object.assign(r.database, { allocatedStorage: 400, maxAllocatedStorage: 500, storageThroughput: 500 }),
    ['- production.database.iops = (missing): is required with storageThroughput on gp3: RDS sets both together'],
    (r) => Object.assign(r.database, { allocatedStorage: 400, maxAllocatedStorage: 500, iops: 12000, storageThroughput: 500 }),
  ],
  [
    'storage type',
    'staging',
    (r) => (r.database.storageType = 'standard'),
    ['- staging.database.storageType = "standard": must be one of gp2, gp3, io1, io2 (standard, the previous-generation magnetic storage, is refused: project rule)'],
    (r) => (r.database.storageType = 'gp2'),
  ],
  [
    'maintenance window day names in any case',
    'production',
    (r) => (r.cache.maintenanceWindow = 'Sunday:05:00-Sunday:07:00'),
    ['- production.cache.maintenanceWindow = "Sunday:05:00-Sunday:07:00": must be ddd:hh24:mi-ddd:hh24:mi with ddd one of mon, tue, wed, thu, fri, sat, sun (any case)'],
    (r) => (r.cache.maintenanceWindow = 'Sun:05:00-SUN:07:00'),
  ],
  [
    'host names in any case',
    'production',
    (r) => (r.application.backendDomain = 'api_ohmycoins.com'),
    ['- production.application.backendDomain = "api_ohmycoins.com": must be a DNS name such as api.example.com'],
    (r) => (r.application.backendDomain = 'API.OhMyCoins.com'),
  ],
  [
    'image repository as the image variables accept',
    'staging',
    (r) => (r.application.backendImage = 'ghcr.io/MarkLimmage/ohmycoins-backend'),
    [
      '- staging.application.backendImage = "ghcr.io/MarkLimmage/ohmycoins-backend": must be an image repository without tag, as the backend_image and frontend_image variables accept: lower-case path components separated by /, each of letters and digits joined by single . _ or -, optionally after a registry host[:port], e.g. ghcr.io/owner/name',
    ],
    (r) => (r.application.frontendImage = 'localhost:5000/marklimmage/ohmycoins-frontend'),
  ],
  [
    'image tag as the tag variables accept',
    'staging',
    (r) => (r.application.imageTag = '.latest'),
    ['- staging.application.imageTag = ".latest": must be a container image tag: letters, digits, _ . - (at most 128, not starting with . or -), as the image_tag variables accept'],
    (r) => (r.application.imageTag = '_latest'),
  ],
  // Shape: types, bounds, unknown and missing fields
  [
    'positive number',
    'staging',
    (r) => (r.loadBalancer.alarms.responseTimeSeconds = 0),
    ['- staging.loadBalancer.alarms.responseTimeSeconds = 0: must be greater than 0'],
    (r) => (r.loadBalancer.alarms.responseTimeSeconds = 0.5),
  ],
  [
    'field type',
    'staging',
    (r) => (r.cache.multiAz = 'yes'),
    ['- staging.cache.multiAz = "yes": must be of type boolean'],
    (r) => (r.cache.multiAz = false),
  ],
  [
    'unknown field',
    'staging',
    (r) => (r.database.iopss = 3000),
    ['- staging.database.iopss = 3000: unknown field; the allowed fields and their documentation are in docs/environment-settings.md'],
    (r) => (r.database.iops = undefined),
  ],
  [
    'missing or null section',
    'staging',
    (r) => {
      delete r.cache;
      r.monitoring = null;
    },
    ['- staging.cache = (missing): must be of type object', '- staging.monitoring = null: must be of type object'],
    (r) => delete r.policyExceptions,
  ],
  // Environment class and policy exceptions
  [
    'production must be production-like',
    'production',
    (r) => (r.productionLike = false),
    ['- production.productionLike = false: must be true for the environment named "production"'],
    (r) => (r.productionLike = true),
  ],
  [
    'exception for a rule that exists',
    'staging',
    (r) => (r.policyExceptions = [{ rule: 'rds-multiaz', resource: 'aws_db_instance.rds_main', reason: 'staging runs a single-AZ database to halve its cost' }]),
    [expect.stringMatching(/^- staging\.policyExceptions\.0\.rule = "rds-multiaz": must be a policy rule id: rds-encrypted, rds-not-public, /) as unknown as string],
    (r) => (r.policyExceptions = [{ rule: 'rds-multi-az', resource: 'aws_db_instance.rds_main', reason: 'staging runs a single-AZ database to halve its cost' }]),
  ],
  [
    'exception naming a Terraform address',
    'staging',
    (r) => (r.policyExceptions = [{ rule: 'vpc-flow-logs', resource: 'module.vpc.aws_vpc.main', reason: 'staging traffic is not audited' }]),
    ['- staging.policyExceptions.0.resource = "module.vpc.aws_vpc.main": must be a Terraform address in the stack, e.g. aws_db_instance.rds_main'],
    (r) => (r.policyExceptions = [{ rule: 'vpc-flow-logs', resource: 'aws_vpc.vpc_main', reason: 'staging traffic is not audited' }]),
  ],
  [
    'exception with a reason',
    'staging',
    (r) => (r.policyExceptions = [{ rule: 'vpc-flow-logs', resource: 'aws_vpc.vpc_main', reason: 'cost' }]),
    ['- staging.policyExceptions.0.reason = "cost": must explain the exception in at least 20 characters'],
    (r) => (r.policyExceptions = [{ rule: 'vpc-flow-logs', resource: 'aws_vpc.vpc_main', reason: 'cost: staging traffic is not audited' }]),
  ],
  [
    'one exception per rule and resource',
    'staging',
    (r) => {
      const exception = { rule: 'vpc-flow-logs', resource: 'aws_vpc.vpc_main', reason: 'staging traffic is not audited' };
      r.policyExceptions = [exception, { ...exception, reason: 'another reason for the same thing' }];
    },
    [
      '- staging.policyExceptions.1 = {"rule":"vpc-flow-logs","resource":"aws_vpc.vpc_main","reason":"another reason for the same thing"}: repeats policyExceptions.0 (rule vpc-flow-logs for aws_vpc.vpc_main); keep one, with one reason',
    ],
    (r) => (r.policyExceptions = [{ rule: 'vpc-flow-logs', resource: 'aws_vpc.vpc_main', reason: 'staging traffic is not audited' }]),
  ],
];
