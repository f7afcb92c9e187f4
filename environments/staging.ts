/**
 * Staging: the values of the legacy root configuration for staging. Data only; the rules are in schema/ (one file per section).
 */
import type { EnvironmentConfigInput } from './schema';

export const staging = {
  name: 'staging',
  projectName: 'ohmycoins-staging',
  productionLike: false,
  region: 'ap-southeast-2',
  policyExceptions: [
    {
      rule: 'alarm-topic-subscribed',
      resource: 'aws_sns_topic.monitoring_alarms',
      reason: 'staging pages nobody by design (monitoring.notifications: false); its alarms still change state on the topic and on the dashboard, where the team looks during the day',
    },
    {
      rule: 'vpc-flow-logs',
      resource: 'aws_vpc.vpc_main',
      reason: 'staging holds no production data; flow logs are off to save CloudWatch ingestion, as in the legacy staging (set network.flowLogs.enabled to investigate traffic)',
    },
    {
      rule: 'sg-public-http',
      resource: 'aws_security_group_rule.security_alb_http_ingress',
      reason: 'staging has no certificate, so the ALB serves the application over plain HTTP on port 80 (D9, D10)',
    },
    {
      rule: 'rds-multi-az',
      resource: 'aws_db_instance.rds_main',
      reason: 'staging runs a single-AZ database to halve its cost; a zone outage means restoring test data from the automated backups',
    },
    {
      rule: 'rds-deletion-protection',
      resource: 'aws_db_instance.rds_main',
      reason: 'staging holds test data only and must be destroyable and rebuilt without a manual step',
    },
    {
      rule: 'rds-final-snapshot',
      resource: 'aws_db_instance.rds_main',
      reason: 'staging holds test data only; the automated backups cover mistakes while the instance exists',
    },
    {
      rule: 'redis-encrypted-in-transit',
      resource: 'aws_elasticache_replication_group.redis_main',
      reason: 'staging Redis caches test data in private subnets reachable only from the ECS security group; TLS is a production setting, as in the legacy staging',
    },
    {
      rule: 'redis-auth',
      resource: 'aws_elasticache_replication_group.redis_main',
      reason: 'AUTH needs TLS, which staging does not use (see redis-encrypted-in-transit); only the ECS security group reaches Redis',
    },
    {
      rule: 'alb-deletion-protection',
      resource: 'aws_lb.alb_main',
      reason: 'the staging load balancer is rebuilt freely; it holds no data and its DNS name is not published',
    },
    {
      rule: 'alb-https',
      resource: 'aws_lb_listener.alb_http',
      reason: 'staging has no certificate, so its HTTP listener serves the frontend and the API paths (D9, D10)',
    },
    {
      rule: 'ecs-container-insights',
      resource: 'aws_ecs_cluster.ecs_main',
      reason: 'Container Insights is paid per metric; staging relies on the service metrics and logs, as in the legacy staging',
    },
    {
      rule: 'ecs-read-only-root',
      resource: 'aws_ecs_task_definition.ecs_backend',
      reason: 'staging turns on ECS Exec (ecs.executeCommand) for debugging, and its agent needs a writable root filesystem',
    },
    {
      rule: 'redis-failover',
      resource: 'aws_elasticache_replication_group.redis_main',
      reason: 'one cache node in staging: losing it only empties the cache, which the application refills',
    },
  ],
  stateBackend: { type: 's3', locking: 'lockfile' },
  network: {
    vpcCidr: '10.0.0.0/16',
    availabilityZones: ['ap-southeast-2a', 'ap-southeast-2b'],
    publicSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24'],
    privateAppSubnetCidrs: ['10.0.11.0/24', '10.0.12.0/24'],
    privateDbSubnetCidrs: ['10.0.21.0/24', '10.0.22.0/24'],
    natGateways: 'single',
    flowLogs: { enabled: false, retentionDays: 7 },
    s3GatewayEndpoint: false,
  },
  security: { managementCidrBlocks: [] },
  github: {
    repository: 'MarkLimmage/ohmycoins',
    createOidcProvider: true,
    // The application deploy workflow's own GitHub environment (not a branch: every job on main
    // could assume the role), distinct from the Terraform pipeline's (lib/pipeline.ts).
    deploySubjects: ['repo:MarkLimmage/ohmycoins:environment:staging-deploy'],
  },
  database: {
    engineVersion: '17',
    instanceClass: 'db.t3.micro',
    allocatedStorage: 20,
    maxAllocatedStorage: 100,
    storageType: 'gp3',
    multiAz: false,
    backupRetentionDays: 3,
    backupWindow: '03:00-04:00',
    maintenanceWindow: 'sun:04:00-sun:05:00',
    deletionProtection: false,
    finalSnapshot: false,
    applyImmediately: true,
    performanceInsights: { enabled: false, retentionDays: 7 },
    monitoringIntervalSeconds: 60,
    databaseName: 'app',
    masterUsername: 'postgres',
    alarms: { cpuPercent: 80, freeStorageBytes: 10737418240, connections: 80, freeableMemoryBytes: 104857600 },
  },
  cache: {
    engineVersion: '7.0',
    nodeType: 'cache.t3.micro',
    numCacheClusters: 1,
    multiAz: false,
    transitEncryption: false,
    authToken: false,
    snapshotRetentionDays: 5,
    snapshotWindow: '03:00-05:00',
    maintenanceWindow: 'sun:05:00-sun:07:00',
    applyImmediately: true,
    logRetentionDays: 7,
    alarms: { cpuPercent: 75, memoryPercent: 80, evictions: 1000, replicationLagSeconds: 30 },
  },
  loadBalancer: {
    deletionProtection: false,
    https: false,
    alarms: { responseTimeSeconds: 2, target5xxCount: 10, elb5xxCount: 10 },
  },
  ecs: {
    containerInsights: false,
    executeCommand: true,
    execLogRetentionDays: 30,
    logRetentionDays: 7,
    backend: {
      cpu: 512,
      memory: 1024,
      desiredCount: 1,
      autoscaling: { enabled: false, minCapacity: 1, maxCapacity: 2, cpuTargetPercent: 70, memoryTargetPercent: 80 },
    },
    frontend: { cpu: 256, memory: 512, desiredCount: 1 },
    alarms: { cpuPercent: 85, memoryPercent: 85 },
  },
  application: {
    domain: 'staging.ohmycoins.com',
    backendDomain: 'api.staging.ohmycoins.com',
    frontendHost: 'https://dashboard.staging.ohmycoins.com',
    backendCorsOrigins: ['https://dashboard.staging.ohmycoins.com', 'http://localhost:5173'],
    backendImage: 'ghcr.io/marklimmage/ohmycoins-backend',
    frontendImage: 'ghcr.io/marklimmage/ohmycoins-frontend',
    imageTag: 'latest',
    secretRecoveryWindowDays: 7,
  },
  monitoring: {
    // Staging pages nobody: a recorded exception (docs/monitoring.md). Alarms still go to the topic.
    notifications: false,
    alarmEmails: [],
    webhook: false,
  },
} satisfies EnvironmentConfigInput;
