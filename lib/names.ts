/**
 * The one definition of every AWS resource name built from the project name, and of
 * the rules AWS applies to each kind of name.
 *
 * Constructs take their names from `resourceNames(projectName)`, and the environment
 * schema checks every one of them with `nameProblems(projectName)`, so a project name
 * that would give a name AWS refuses (a target group name of 33 characters, an RDS
 * identifier with two consecutive hyphens) fails synth instead of `terraform apply`.
 */

/** How AWS constrains one kind of name. */
export interface NameRule {
  /** What the name is, for messages, e.g. `target group name`. */
  readonly what: string;
  /** Maximum length AWS accepts. */
  readonly maxLength: number;
  /** Characters and shape AWS accepts. */
  readonly pattern: RegExp;
  /** The pattern in words, for messages. */
  readonly allowed: string;
}

const LETTERS_DIGITS_HYPHENS_NO_DOUBLE = /^[A-Za-z](?!.*--)([A-Za-z0-9-]*[A-Za-z0-9])?$/;
const NO_DOUBLE_RULE = 'letters, digits and hyphens, starting with a letter, without two consecutive hyphens, not ending with a hyphen';
const IAM_CHARACTERS = /^[\w+=,.@-]+$/;
const ECS_CHARACTERS = /^[A-Za-z0-9_-]+$/;
const LOG_GROUP_CHARACTERS = /^[\w./#-]+$/;
const PRINTABLE = /^[\x20-\x7e]+$/;

/** AWS naming rules by kind of name. */
export const NAME_RULES = {
  loadBalancer: {
    what: 'load balancer name',
    maxLength: 32,
    pattern: /^(?!internal-)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/,
    allowed: 'letters, digits and hyphens, not starting or ending with a hyphen, not starting with "internal-"',
  },
  targetGroup: {
    what: 'target group name',
    maxLength: 32,
    pattern: /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/,
    allowed: 'letters, digits and hyphens, not starting or ending with a hyphen',
  },
  rdsIdentifier: { what: 'RDS identifier', maxLength: 63, pattern: LETTERS_DIGITS_HYPHENS_NO_DOUBLE, allowed: NO_DOUBLE_RULE },
  rdsParameterGroup: { what: 'RDS parameter group name', maxLength: 255, pattern: LETTERS_DIGITS_HYPHENS_NO_DOUBLE, allowed: NO_DOUBLE_RULE },
  rdsSubnetGroup: {
    what: 'RDS subnet group name',
    maxLength: 255,
    pattern: /^(?!default$)[a-z0-9 ._-]+$/,
    allowed: 'lower-case letters, digits, spaces, periods, underscores and hyphens, not "default"',
  },
  elasticacheReplicationGroup: {
    what: 'ElastiCache replication group id',
    maxLength: 40,
    pattern: LETTERS_DIGITS_HYPHENS_NO_DOUBLE,
    allowed: NO_DOUBLE_RULE,
  },
  elasticacheParameterGroup: {
    what: 'ElastiCache parameter group name',
    maxLength: 255,
    pattern: LETTERS_DIGITS_HYPHENS_NO_DOUBLE,
    allowed: NO_DOUBLE_RULE,
  },
  elasticacheSubnetGroup: {
    what: 'ElastiCache subnet group name',
    maxLength: 255,
    pattern: /^[a-z0-9-]+$/,
    allowed: 'lower-case letters, digits and hyphens',
  },
  iamRole: { what: 'IAM role name', maxLength: 64, pattern: IAM_CHARACTERS, allowed: 'letters, digits and +=,.@_-' },
  iamPolicy: { what: 'IAM policy name', maxLength: 128, pattern: IAM_CHARACTERS, allowed: 'letters, digits and +=,.@_-' },
  securityGroup: {
    what: 'security group name',
    maxLength: 255,
    pattern: /^(?!sg-)[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/,
    allowed: 'letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*, not starting with "sg-"',
  },
  logGroup: { what: 'CloudWatch log group name', maxLength: 512, pattern: LOG_GROUP_CHARACTERS, allowed: 'letters, digits and _-./#' },
  ecsName: { what: 'ECS cluster, service or task family name', maxLength: 255, pattern: ECS_CHARACTERS, allowed: 'letters, digits, hyphens and underscores' },
  alarm: { what: 'CloudWatch alarm name', maxLength: 255, pattern: PRINTABLE, allowed: 'printable ASCII characters' },
  scalingPolicy: { what: 'Application Auto Scaling policy name', maxLength: 256, pattern: PRINTABLE, allowed: 'printable ASCII characters' },
  secret: { what: 'Secrets Manager secret name', maxLength: 512, pattern: /^[A-Za-z0-9/_+=.@-]+$/, allowed: 'letters, digits and /_+=.@-' },
  snsTopic: { what: 'SNS topic name', maxLength: 256, pattern: /^[A-Za-z0-9_-]+$/, allowed: 'letters, digits, hyphens and underscores' },
  kmsAlias: { what: 'KMS alias', maxLength: 256, pattern: /^alias\/(?!aws\/)[A-Za-z0-9/_-]+$/, allowed: '"alias/" then letters, digits and /_-, not "alias/aws/"' },
  dashboard: { what: 'CloudWatch dashboard name', maxLength: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: 'letters, digits, hyphens and underscores' },
  stateMachine: { what: 'Step Functions state machine name', maxLength: 80, pattern: /^[A-Za-z0-9_-]+$/, allowed: 'letters, digits, hyphens and underscores' },
  eventRule: { what: 'EventBridge rule name', maxLength: 64, pattern: /^[A-Za-z0-9._-]+$/, allowed: 'letters, digits and ._-' },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/**
 * Where AWS requires a name to be unique: in the whole account (IAM, CloudWatch dashboards), in
 * the account and region (most resources), or only inside a parent resource (security groups in
 * their VPC, ECS services in their cluster, scaling policies on their target), where two stacks
 * never meet. `none`: not a resource, only a prefix.
 */
export type NameScope = 'account' | 'region' | 'parent' | 'none';

/** The scope of each kind of name; a spec may narrow it (ECS services live in their cluster). */
export const NAME_SCOPES: Readonly<Record<NameKind, NameScope>> = {
  loadBalancer: 'region',
  targetGroup: 'region',
  rdsIdentifier: 'region',
  rdsParameterGroup: 'region',
  rdsSubnetGroup: 'region',
  elasticacheReplicationGroup: 'region',
  elasticacheParameterGroup: 'region',
  elasticacheSubnetGroup: 'region',
  iamRole: 'account',
  iamPolicy: 'account',
  securityGroup: 'parent',
  logGroup: 'region',
  ecsName: 'region',
  alarm: 'region',
  scalingPolicy: 'parent',
  secret: 'region',
  snsTopic: 'region',
  kmsAlias: 'region',
  dashboard: 'account',
  stateMachine: 'region',
  eventRule: 'region',
};

type NameSpec = readonly [NameKind, (p: string) => string] | readonly [NameKind, (p: string) => string, NameScope];

/** Every name built from the project name `p`, by legacy module, with its kind. */
const NAME_SPECS = {
  vpc: {
    flowLogGroup: ['logGroup', (p) => `/aws/vpc/flow-logs/${p}`],
    flowLogRole: ['iamRole', (p) => `${p}-flow-logs-role`],
    flowLogPolicy: ['iamPolicy', (p) => `${p}-flow-logs-policy`],
  },
  security: {
    albSecurityGroup: ['securityGroup', (p) => `${p}-alb-sg`],
    ecsSecurityGroup: ['securityGroup', (p) => `${p}-ecs-sg`],
    frontendSecurityGroup: ['securityGroup', (p) => `${p}-frontend-sg`],
    rdsSecurityGroup: ['securityGroup', (p) => `${p}-rds-sg`],
    redisSecurityGroup: ['securityGroup', (p) => `${p}-redis-sg`],
  },
  iam: {
    ecsTaskExecutionRole: ['iamRole', (p) => `${p}-ecs-task-execution-role`],
    ecsTaskExecutionSecretsPolicy: ['iamPolicy', (p) => `${p}-ecs-task-execution-secrets-policy`],
    ecsTaskRole: ['iamRole', (p) => `${p}-ecs-task-role`],
    ecsTaskAppPolicy: ['iamPolicy', (p) => `${p}-ecs-task-app-policy`],
    frontendTaskExecutionRole: ['iamRole', (p) => `${p}-frontend-task-execution-role`],
    frontendTaskExecutionLogsPolicy: ['iamPolicy', (p) => `${p}-frontend-task-execution-logs-policy`],
    frontendTaskRole: ['iamRole', (p) => `${p}-frontend-task-role`],
    githubActionsRole: ['iamRole', (p) => `${p}-github-actions-role`],
    githubActionsDeployPolicy: ['iamPolicy', (p) => `${p}-github-actions-deploy-policy`],
  },
  rds: {
    subnetGroup: ['rdsSubnetGroup', (p) => `${p}-db-subnet-group`],
    parameterGroup: ['rdsParameterGroup', (p) => `${p}-postgres-params`],
    instance: ['rdsIdentifier', (p) => `${p}-postgres`],
    replica: ['rdsIdentifier', (p) => `${p}-postgres-replica`],
    /** Stable final snapshot identifier (D16 [timestamp in final snapshot name]: no timestamp). */
    finalSnapshot: ['rdsIdentifier', (p) => `${p}-final-snapshot`],
    monitoringRole: ['iamRole', (p) => `${p}-rds-monitoring-role`],
    cpuAlarm: ['alarm', (p) => `${p}-rds-cpu-utilization`],
    freeStorageAlarm: ['alarm', (p) => `${p}-rds-free-storage`],
    connectionsAlarm: ['alarm', (p) => `${p}-rds-database-connections`],
    freeableMemoryAlarm: ['alarm', (p) => `${p}-rds-freeable-memory`],
  },
  redis: {
    subnetGroup: ['elasticacheSubnetGroup', (p) => `${p}-redis-subnet-group`],
    parameterGroup: ['elasticacheParameterGroup', (p) => `${p}-redis-params`],
    replicationGroup: ['elasticacheReplicationGroup', (p) => `${p}-redis`],
    slowLogGroup: ['logGroup', (p) => `/aws/elasticache/${p}/slow-log`],
    engineLogGroup: ['logGroup', (p) => `/aws/elasticache/${p}/engine-log`],
    /** Secret holding the AUTH token for the backend (D13 [backend without Redis TLS and AUTH]). */
    authTokenSecret: ['secret', (p) => `${p}-redis-auth`],
    cpuAlarm: ['alarm', (p) => `${p}-redis-cpu-utilization`],
    memoryAlarm: ['alarm', (p) => `${p}-redis-memory-utilization`],
    evictionsAlarm: ['alarm', (p) => `${p}-redis-evictions`],
    replicationLagAlarm: ['alarm', (p) => `${p}-redis-replication-lag`],
  },
  alb: {
    loadBalancer: ['loadBalancer', (p) => `${p}-alb`],
    backendTargetGroup: ['targetGroup', (p) => `${p}-backend-tg`],
    frontendTargetGroup: ['targetGroup', (p) => `${p}-frontend-tg`],
    responseTimeAlarm: ['alarm', (p) => `${p}-alb-target-response-time`],
    unhealthyTargetsAlarm: ['alarm', (p) => `${p}-alb-unhealthy-targets`],
    http5xxAlarm: ['alarm', (p) => `${p}-alb-5xx-errors`],
    elb5xxAlarm: ['alarm', (p) => `${p}-alb-elb-5xx-errors`],
  },
  ecs: {
    cluster: ['ecsName', (p) => `${p}-cluster`],
    backendService: ['ecsName', (p) => `${p}-backend`, 'parent'],
    frontendService: ['ecsName', (p) => `${p}-frontend`, 'parent'],
    backendTaskFamily: ['ecsName', (p) => `${p}-backend`],
    frontendTaskFamily: ['ecsName', (p) => `${p}-frontend`],
    /** Prefix of the container log groups; IAM grants log writes on `<prefix>/*`. */
    logGroupPrefix: ['logGroup', (p) => `/ecs/${p}`, 'none'],
    backendLogGroup: ['logGroup', (p) => `/ecs/${p}/backend`],
    frontendLogGroup: ['logGroup', (p) => `/ecs/${p}/frontend`],
    execLogGroup: ['logGroup', (p) => `/ecs/${p}/exec`],
    backendCpuScalingPolicy: ['scalingPolicy', (p) => `${p}-backend-cpu-scaling`],
    backendMemoryScalingPolicy: ['scalingPolicy', (p) => `${p}-backend-memory-scaling`],
    backendCpuAlarm: ['alarm', (p) => `${p}-ecs-backend-cpu-high`],
    backendMemoryAlarm: ['alarm', (p) => `${p}-ecs-backend-memory-high`],
    backendRunningTasksAlarm: ['alarm', (p) => `${p}-ecs-backend-running-tasks-low`],
    frontendCpuAlarm: ['alarm', (p) => `${p}-ecs-frontend-cpu-high`],
    frontendMemoryAlarm: ['alarm', (p) => `${p}-ecs-frontend-memory-high`],
    frontendRunningTasksAlarm: ['alarm', (p) => `${p}-ecs-frontend-running-tasks-low`],
  },
  app: {
    secret: ['secret', (p) => `${p}-app-secrets`],
  },
  monitoring: {
    /** The topic alarms notify (D22 [alarms notifying nobody]). */
    alarmTopic: ['snsTopic', (p) => `${p}-alarms`],
    /** Alias of the key that encrypts the topic. */
    alarmTopicKeyAlias: ['kmsAlias', (p) => `alias/${p}-alarms`],
    /** The platform dashboard. */
    dashboard: ['dashboard', (p) => `${p}-platform`],
  },
  rotation: {
    /** Rule matching Secrets Manager's Secret Label Updated (AWSCURRENT) for the RDS-managed master secret. */
    passwordRotatedRule: ['eventRule', (p) => `${p}-db-password-rotated`],
    /** State machine that forces a new deployment of the backend service. */
    redeployStateMachine: ['stateMachine', (p) => `${p}-backend-redeploy`],
    stateMachineRole: ['iamRole', (p) => `${p}-backend-redeploy-role`],
    stateMachinePolicy: ['iamPolicy', (p) => `${p}-backend-redeploy-policy`],
    eventsRole: ['iamRole', (p) => `${p}-db-rotation-events-role`],
    eventsPolicy: ['iamPolicy', (p) => `${p}-db-rotation-events-policy`],
  },
} as const satisfies Record<string, Record<string, NameSpec>>;

/** Every resource name of an environment, grouped by legacy module: `names.alb.frontendTargetGroup`. */
export type ResourceNames = { readonly [M in keyof typeof NAME_SPECS]: { readonly [K in keyof (typeof NAME_SPECS)[M]]: string } };

/**
 * The names of an environment's resources, built from its project name.
 * Constructs use these rather than writing `${projectName}-...` themselves.
 */
export function resourceNames(projectName: string): ResourceNames {
  return Object.fromEntries(
    Object.entries(NAME_SPECS).map(([module, specs]) => [
      module,
      Object.fromEntries(Object.entries(specs as Record<string, NameSpec>).map(([key, [, build]]) => [key, build(projectName)])),
    ]),
  ) as unknown as ResourceNames;
}

/** One name built from the project name, with the rule AWS applies to it. */
export interface NamedResource {
  /** Where the name lives in `ResourceNames`, e.g. `alb.frontendTargetGroup`. */
  readonly key: string;
  /** The name itself. */
  readonly name: string;
  /** The rule AWS applies. */
  readonly kind: NameKind;
  /** Where the name must be unique. */
  readonly scope: NameScope;
}

/** Every name built from the project name, with its kind and scope. */
export function namedResources(projectName: string): NamedResource[] {
  return Object.entries(NAME_SPECS).flatMap(([module, specs]) =>
    Object.entries(specs as Record<string, NameSpec>).map(([key, [kind, build, scope]]) => ({
      key: `${module}.${key}`,
      name: build(projectName),
      kind,
      scope: scope ?? NAME_SCOPES[kind],
    })),
  );
}

/**
 * The names two projects would both create where AWS wants them unique: account-wide names
 * always, region-wide names when the two stacks deploy to the same region. Names of one kind
 * share one namespace (an IAM role and an IAM policy may have the same name).
 */
export function sharedNames(projectA: string, projectB: string, sameRegion: boolean): NamedResource[] {
  const counts = (scope: NameScope) => scope === 'account' || (scope === 'region' && sameRegion);
  const taken = new Set(namedResources(projectA).filter((r) => counts(r.scope)).map((r) => `${r.kind} ${r.name}`));
  return namedResources(projectB).filter((r) => counts(r.scope) && taken.has(`${r.kind} ${r.name}`));
}

/** What is wrong with `name` under `rule`, or undefined when AWS accepts it. */
export function nameProblem(name: string, rule: NameRule): string | undefined {
  const problems: string[] = [];
  if (name.length > rule.maxLength) problems.push(`is ${name.length} characters; AWS allows at most ${rule.maxLength}`);
  if (!rule.pattern.test(name)) problems.push(`breaks AWS's character rule (${rule.allowed})`);
  return problems.length > 0 ? problems.join(' and ') : undefined;
}

/**
 * Every name built from `projectName` that AWS would refuse, as messages that say
 * which name, why, and (for lengths) how long the project name may be.
 */
export function nameProblems(projectName: string): string[] {
  return namedResources(projectName).flatMap(({ key, name, kind }) => {
    const rule: NameRule = NAME_RULES[kind];
    const problem = nameProblem(name, rule);
    if (!problem) return [];
    const suffix = name.length - projectName.length;
    const limit = name.length > rule.maxLength ? `; projectName can have at most ${rule.maxLength - suffix} characters` : '';
    return [`gives the ${rule.what} "${name}" (${key}), which ${problem}${limit}`];
  });
}
