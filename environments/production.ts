/**
 * Production: the values of the legacy root configuration for production. Data only; the rules are in schema/ (one file per section).
 */
import type { EnvironmentConfigInput } from './schema';

export const production = {
  name: 'production',
  projectName: 'ohmycoins-prod',
  productionLike: true,
  region: 'ap-southeast-2',
  policyExceptions: [
    {
      rule: 'sg-public-http',
      resource: 'aws_security_group_rule.security_alb_http_ingress',
      reason: 'port 80 is open only so that browsers reach the HTTP listener, whose one action is a permanent redirect to HTTPS',
    },
  ],
  stateBackend: { type: 's3', locking: 'lockfile' },
  network: {
    vpcCidr: '10.1.0.0/16',
    availabilityZones: ['ap-southeast-2a', 'ap-southeast-2b', 'ap-southeast-2c'],
    publicSubnetCidrs: ['10.1.1.0/24', '10.1.2.0/24', '10.1.3.0/24'],
    privateAppSubnetCidrs: ['10.1.11.0/24', '10.1.12.0/24', '10.1.13.0/24'],
    privateDbSubnetCidrs: ['10.1.21.0/24', '10.1.22.0/24', '10.1.23.0/24'],
    natGateways: 'one-per-az',
    flowLogs: { enabled: true, retentionDays: 7 },
    s3GatewayEndpoint: true,
  },
  security: { managementCidrBlocks: [] },
  github: {
    repository: 'MarkLimmage/ohmycoins',
    // Staging owns the account-wide provider; production references it (D14 [two creators of the OIDC provider]).
    createOidcProvider: false,
    // The application deploy workflow's own GitHub environment; `production` is the Terraform apply's.
    deploySubjects: ['repo:MarkLimmage/ohmycoins:environment:production-deploy'],
  },
  database: {
    engineVersion: '17',
    instanceClass: 'db.t3.small',
    allocatedStorage: 50,
    maxAllocatedStorage: 100,
    storageType: 'gp3',
    multiAz: true,
    backupRetentionDays: 7,
    backupWindow: '03:00-04:00',
    maintenanceWindow: 'sun:04:00-sun:05:00',
    deletionProtection: true,
    finalSnapshot: true,
    applyImmediately: false,
    performanceInsights: { enabled: true, retentionDays: 7 },
    monitoringIntervalSeconds: 60,
    databaseName: 'app',
    masterUsername: 'postgres',
    alarms: { cpuPercent: 80, freeStorageBytes: 10737418240, connections: 80, freeableMemoryBytes: 209715200 },
  },
  cache: {
    engineVersion: '7.0',
    nodeType: 'cache.t3.small',
    numCacheClusters: 2,
    multiAz: true,
    transitEncryption: true,
    authToken: true,
    snapshotRetentionDays: 5,
    snapshotWindow: '03:00-05:00',
    maintenanceWindow: 'sun:05:00-sun:07:00',
    applyImmediately: false,
    logRetentionDays: 7,
    alarms: { cpuPercent: 75, memoryPercent: 80, evictions: 1000, replicationLagSeconds: 30 },
  },
  loadBalancer: {
    deletionProtection: true,
    https: true,
    alarms: { responseTimeSeconds: 2, target5xxCount: 10, elb5xxCount: 10 },
  },
  ecs: {
    containerInsights: true,
    executeCommand: false,
    execLogRetentionDays: 90,
    logRetentionDays: 30,
    backend: {
      cpu: 1024,
      memory: 2048,
      desiredCount: 2,
      autoscaling: { enabled: true, minCapacity: 2, maxCapacity: 10, cpuTargetPercent: 70, memoryTargetPercent: 80 },
    },
    frontend: { cpu: 512, memory: 1024, desiredCount: 2 },
    alarms: { cpuPercent: 85, memoryPercent: 85 },
  },
  application: {
    domain: 'ohmycoins.com',
    backendDomain: 'api.ohmycoins.com',
    frontendHost: 'https://dashboard.ohmycoins.com',
    backendCorsOrigins: ['https://dashboard.ohmycoins.com'],
    backendImage: 'ghcr.io/marklimmage/ohmycoins-backend',
    frontendImage: 'ghcr.io/marklimmage/ohmycoins-frontend',
    imageTag: 'v1.0.0',
    secretRecoveryWindowDays: 30,
  },
  monitoring: {
    notifications: true,
    alarmEmails: ['oncall@ohmycoins.com'],
    webhook: false,
  },
} satisfies EnvironmentConfigInput;
