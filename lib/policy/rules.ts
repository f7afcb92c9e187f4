/**
 * The security and data-protection rules. Each reads the synthesized attributes of a
 * resource (type + values, JSON documents decoded), never a construct, so it judges
 * whatever code produced the resource, escape hatches and overrides included.
 *
 * Outside production-like environments some rules only warn (`outsideProduction`);
 * in production-like environments every failure is an error.
 */
import { isEveryResource, isUnscopable, permissionDocuments, trustDocuments, type Statement } from './policy-documents';
import { blocks, isFalse, isObject, isTrue, list, nestedBlocks, numberValue, parseDocument, refersTo, requiredBlocks, shown, type Json } from './inspect';
import type { PolicyRule, StackView, SynthResource } from './model';

const ofType =
  (...types: string[]) =>
  (r: SynthResource): boolean =>
    r.mode === 'managed' && types.includes(r.type);
const isReplica = (r: SynthResource) => r.values.replicate_source_db !== undefined;
const primaryDb = (r: SynthResource) => ofType('aws_db_instance')(r) && !isReplica(r);
const failIf = (condition: boolean, message: string): string[] => (condition ? [message] : []);

const LOAD_BALANCERS = ['aws_lb', 'aws_alb'];
const LISTENERS = ['aws_lb_listener', 'aws_alb_listener'];
const isApplicationLb = (r: SynthResource) => ofType(...LOAD_BALANCERS)(r) && (r.values.load_balancer_type ?? 'application') === 'application';

// ---------------------------------------------------------------- security groups

const WORLD = ['0.0.0.0/0', '::/0'];

interface Opening {
  /** Address of the security group the opening belongs to. */
  readonly group: string | undefined;
  readonly from: number;
  readonly to: number;
  readonly cidr: string;
}

/** Ingress open to the whole internet, in any of the three ways Terraform can write it. */
function worldOpenings(r: SynthResource, stack: StackView): Opening[] {
  const groupOf = (value: unknown) => stack.ofType('aws_security_group').find((g) => refersTo(value, g.address))?.address;
  const ports = (protocol: unknown, from: unknown, to: unknown): [number, number] =>
    String(protocol) === '-1' || String(protocol).toLowerCase() === 'all' ? [0, 65535] : [numberValue(from) ?? 0, numberValue(to) ?? 65535];
  const entries: { group: string | undefined; rule: Json; cidrs: unknown[] }[] = [];
  if (r.type === 'aws_security_group_rule' && r.values.type === 'ingress') {
    entries.push({ group: groupOf(r.values.security_group_id), rule: r.values, cidrs: [...list(r.values.cidr_blocks), ...list(r.values.ipv6_cidr_blocks)] });
  } else if (r.type === 'aws_vpc_security_group_ingress_rule') {
    const rule = { ...r.values, protocol: r.values.ip_protocol };
    entries.push({ group: groupOf(r.values.security_group_id), rule, cidrs: [r.values.cidr_ipv4, r.values.cidr_ipv6] });
  } else if (r.type === 'aws_security_group') {
    for (const ingress of blocks(r.values.ingress)) {
      entries.push({ group: r.address, rule: ingress, cidrs: [...list(ingress.cidr_blocks), ...list(ingress.ipv6_cidr_blocks)] });
    }
  }
  return entries.flatMap(({ group, rule, cidrs }) => {
    const [from, to] = ports(rule.protocol, rule.from_port, rule.to_port);
    return cidrs.filter((c): c is string => typeof c === 'string' && WORLD.includes(c)).map((cidr) => ({ group, from, to, cidr }));
  });
}

const portText = (o: Opening) => (o.from === o.to ? `port ${o.from}` : o.from === 0 && o.to === 65535 ? 'every port' : `ports ${o.from}-${o.to}`);

const isSecurityGroupRule = ofType('aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_security_group');

// ---------------------------------------------------------------- IAM

function wildcardResourceProblems(r: SynthResource): string[] {
  return permissionDocuments(r).flatMap((doc) => {
    if ('unreadable' in doc) {
      return doc.dataSource ? [] : [`${doc.where} cannot be checked: ${doc.unreadable}; write it with JSON.stringify or an aws_iam_policy_document data source`];
    }
    return doc.statements
      .filter((s) => s.effect === 'Allow' && s.resources.some(isEveryResource))
      .flatMap((s) => {
        const scopable = s.actions.filter((a) => !isUnscopable(a));
        const resource = s.resources.find(isEveryResource);
        return failIf(
          scopable.length > 0,
          `${doc.where} ${s.label} allows ${scopable.join(', ')} on "${resource}"; scope these actions to the ARNs they need (only actions without resource-level permissions, such as ecr:GetAuthorizationToken, may use "*")`,
        );
      });
  });
}

const GITHUB = 'token.actions.githubusercontent.com';
const POSITIVE_TEST = /^(For(Any|All)Value:)?String(Equals|Like)(IgnoreCase)?$/;

function webIdentityProblems(s: Statement): string[] {
  const federated = s.principals.filter((p) => p.type === 'Federated').flatMap((p) => p.identifiers);
  if (federated.some((id) => id.trim() === '')) {
    return [`${s.label} trusts an empty Federated principal; IAM refuses it (D7): trust the OIDC provider's ARN`];
  }
  const issuer = s.conditions.map((c) => c.variable.split(':')[0]).find((v) => v.includes('.')) ?? GITHUB;
  const positive = s.conditions.filter((c) => POSITIVE_TEST.test(c.test));
  const audience = positive.filter((c) => c.variable === `${issuer}:aud`);
  const subject = positive.filter((c) => c.variable === `${issuer}:sub`);
  const problems: string[] = [];
  if (audience.length === 0) {
    problems.push(`${s.label} has no audience condition; require StringEquals ${issuer}:aud = sts.amazonaws.com`);
  } else if (issuer === GITHUB && audience.some((c) => c.values.some((v) => v !== 'sts.amazonaws.com'))) {
    problems.push(`${s.label} accepts the audience ${audience.flatMap((c) => c.values).join(', ')}; require exactly sts.amazonaws.com`);
  }
  const wildcards = subject.flatMap((c) => c.values).filter((v) => /[*?]/.test(v));
  if (subject.length === 0) {
    problems.push(`${s.label} has no subject condition, so any workflow the provider vouches for can assume the role; require StringEquals ${issuer}:sub with exact subjects`);
  } else if (wildcards.length > 0) {
    problems.push(
      `${s.label} allows the subject pattern ${wildcards.map((v) => `"${v}"`).join(', ')}; list exact subjects such as ${/^repo:[^:*?]+/.exec(wildcards[0])?.[0] ?? 'repo:octo-org/app'}:environment:production (D21)`,
    );
  }
  return problems;
}

const isWebIdentity = (s: Statement) => s.effect === 'Allow' && s.actions.some((a) => /^sts:AssumeRoleWithWebIdentity$/i.test(a) || a === 'sts:*' || a === '*');

// ---------------------------------------------------------------- S3

/** The settings resources of a type (`aws_s3_bucket_versioning`, ...) attached to a bucket. */
function bucketSettings(stack: StackView, type: string, bucket: SynthResource): SynthResource[] {
  return stack.ofType(type).filter((s) => refersTo(s.values.bucket, bucket.address) || s.values.bucket === bucket.values.bucket);
}

// ---------------------------------------------------------------- ECS

type Container = Record<string, unknown>;

function containers(r: SynthResource): Container[] | string {
  const parsed = parseDocument(r.values.container_definitions);
  if ('unreadable' in parsed) return `container_definitions cannot be checked: ${parsed.unreadable}`;
  return list(parsed.document).filter(isObject);
}

function containerProblems(r: SynthResource, problem: (c: Container) => string | undefined): string[] {
  const found = containers(r);
  if (typeof found === 'string') return [found];
  return found.flatMap((c) => {
    const message = problem(c);
    return message ? [`container "${String(c.name)}" ${message}`] : [];
  });
}

/** The resource `value` refers to (`${<address>.<attribute>}`), if it is in the stack. */
const referenced = (stack: StackView, value: unknown): SynthResource | undefined => stack.resources.find((x) => x.mode === 'managed' && refersTo(value, x.address));

/** What ECS Exec needs on the task role (ECS developer guide, "ECS Exec": IAM permissions required for ECS Exec). */
export const EXEC_CHANNEL_ACTIONS = ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'];

const actionGlob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');

/** Whether one of the Allow statements grants `action` on a resource matching `resource` (a plain substring test of the ARN). */
function grants(statements: Statement[], action: string, resource: (arn: string) => boolean): boolean {
  return statements.some((s) => s.effect === 'Allow' && s.actions.some((a) => actionGlob(a).test(action)) && s.resources.some((arn) => arn === '*' || resource(arn)));
}

/** The Allow/Deny statements of every permission policy of a role: its inline policies and its aws_iam_role_policy resources. */
function roleStatements(stack: StackView, role: SynthResource): Statement[] {
  const attached = stack.ofType('aws_iam_role_policy').filter((p) => refersTo(p.values.role, role.address) || p.values.role === role.values.name);
  return [role, ...attached].flatMap((r) => permissionDocuments(r)).flatMap((d) => ('statements' in d ? d.statements : []));
}

/**
 * What keeps ECS Exec from working on a service that turns it on: the task role's SSM messages
 * channel, the containers' init process, and logged sessions the task role may write.
 */
function execProblems(service: SynthResource, stack: StackView): string[] {
  const definition = referenced(stack, service.values.task_definition);
  if (!definition) return [`task_definition ${shown(service.values.task_definition)} is not a task definition of this stack; ECS Exec cannot be checked`];
  const problems: string[] = [];
  const found = containers(definition);
  if (typeof found === 'string') return [found];
  for (const c of found) {
    const init = isObject(c.linuxParameters) ? c.linuxParameters.initProcessEnabled : undefined;
    if (init !== true) problems.push(`container "${String(c.name)}" has no linuxParameters.initProcessEnabled: exec sessions would leave orphaned processes; set it to true`);
  }
  const role = referenced(stack, definition.values.task_role_arn);
  if (!role) return [...problems, `${definition.address} has no task role of this stack; ECS Exec needs one with ${EXEC_CHANNEL_ACTIONS.join(', ')}`];
  const statements = roleStatements(stack, role);
  const missing = EXEC_CHANNEL_ACTIONS.filter((a) => !grants(statements, a, () => false));
  if (missing.length > 0) problems.push(`task role ${role.address} may not ${missing.join(', ')} on "*": aws ecs execute-command would fail`);

  const cluster = referenced(stack, service.values.cluster);
  const exec = cluster ? nestedBlocks(cluster.values, 'configuration').flatMap((c) => blocks(c.execute_command_configuration))[0] : undefined;
  const logging = String(exec?.logging ?? 'DEFAULT');
  const writable = (groupName: unknown, what: string) => {
    const group = referenced(stack, groupName);
    const name = group ? String(group.values.name) : String(groupName);
    if (group && numberValue(group.values.retention_in_days) === undefined) problems.push(`the ${what} log group ${group.address} keeps sessions forever; set retention_in_days`);
    if (!grants(statements, 'logs:PutLogEvents', (arn) => arn.includes(`:log-group:${name}`))) {
      problems.push(`task role ${role.address} may not logs:PutLogEvents to the ${what} log group ${name}: exec sessions would not be logged`);
    }
  };
  if (logging === 'NONE') {
    problems.push(`cluster ${cluster?.address ?? '?'} logs no exec session (execute_command_configuration.logging = NONE); use OVERRIDE with a log group of its own`);
  } else if (logging === 'OVERRIDE') {
    const target = blocks(exec?.log_configuration)[0];
    if (!target?.cloud_watch_log_group_name && !target?.s3_bucket_name) problems.push(`cluster ${cluster?.address} has logging OVERRIDE without a log group or bucket`);
    else if (target.cloud_watch_log_group_name) writable(target.cloud_watch_log_group_name, 'exec');
  } else {
    // DEFAULT: the sessions go through each container's awslogs driver.
    for (const c of found) {
      const options = isObject(c.logConfiguration) && isObject(c.logConfiguration.options) ? c.logConfiguration.options : undefined;
      if (!options?.['awslogs-group']) problems.push(`container "${String(c.name)}" has no awslogs log group, so DEFAULT exec logging records nothing`);
      else writable(options['awslogs-group'], `container "${String(c.name)}"`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- the rules

const TLS12_POLICIES = /^ELBSecurityPolicy-(TLS13-|TLS-1-2-|FS-1-2-)/;

export const POLICY_RULES: readonly PolicyRule[] = [
  {
    id: 'rds-encrypted',
    checkov: 'CKV_AWS_16',
    title: 'RDS storage is encrypted at rest',
    outsideProduction: 'error',
    appliesTo: primaryDb,
    check: (r) => failIf(!isTrue(r.values.storage_encrypted), `storage_encrypted is ${shown(r.values.storage_encrypted)}; set it to true (it can only be chosen when the instance is created)`),
  },
  {
    id: 'rds-not-public',
    checkov: 'CKV_AWS_17',
    title: 'RDS is not publicly accessible',
    outsideProduction: 'error',
    appliesTo: ofType('aws_db_instance'),
    check: (r) => failIf(isTrue(r.values.publicly_accessible), 'publicly_accessible is true; the database must be reachable only inside the VPC'),
  },
  {
    id: 'rds-deletion-protection',
    checkov: 'CKV_AWS_293',
    title: 'RDS has deletion protection',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_db_instance'),
    check: (r) => failIf(!isTrue(r.values.deletion_protection), `deletion_protection is ${shown(r.values.deletion_protection)}; set it to true`),
  },
  {
    id: 'rds-multi-az',
    checkov: 'CKV_AWS_157',
    title: 'RDS runs Multi-AZ',
    outsideProduction: 'warning',
    appliesTo: primaryDb,
    check: (r) => failIf(!isTrue(r.values.multi_az), `multi_az is ${shown(r.values.multi_az)}; a standby in a second zone survives the loss of a zone`),
  },
  {
    id: 'rds-backups',
    checkov: 'CKV_AWS_133',
    title: 'RDS keeps automated backups (7 days in production)',
    outsideProduction: 'warning',
    appliesTo: primaryDb,
    check: (r, stack) => {
      const days = numberValue(r.values.backup_retention_period);
      const least = stack.productionLike ? 7 : 1;
      // AWS keeps automated backups 35 days at most; a larger value is refused at apply.
      if (days !== undefined && days > 35) return [`backup_retention_period is ${days}; AWS keeps automated backups 35 days at most`];
      return failIf(days === undefined || days < least, `backup_retention_period is ${shown(r.values.backup_retention_period)}; keep automated backups at least ${least} day${least === 1 ? '' : 's'}`);
    },
  },
  {
    id: 'rds-final-snapshot',
    title: 'RDS takes a final snapshot when destroyed',
    outsideProduction: 'warning',
    appliesTo: primaryDb,
    check: (r) =>
      isTrue(r.values.skip_final_snapshot)
        ? ['skip_final_snapshot is true; destroying the instance would discard its data']
        : failIf(typeof r.values.final_snapshot_identifier !== 'string', 'final_snapshot_identifier is not set; Terraform needs it to take the final snapshot'),
  },
  {
    id: 'rds-log-exports',
    checkov: 'CKV_AWS_129',
    title: 'RDS exports its logs to CloudWatch',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_db_instance'),
    check: (r) => failIf(list(r.values.enabled_cloudwatch_logs_exports).length === 0, 'enabled_cloudwatch_logs_exports is empty; export at least the postgresql log'),
  },
  {
    id: 'rds-enhanced-monitoring',
    checkov: 'CKV_AWS_118',
    title: 'RDS has enhanced monitoring',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_db_instance'),
    check: (r) => failIf(!((numberValue(r.values.monitoring_interval) ?? 0) > 0), `monitoring_interval is ${shown(r.values.monitoring_interval)}; set 1-60 seconds with a monitoring role`),
  },
  {
    id: 'rds-minor-upgrades',
    checkov: 'CKV_AWS_226',
    title: 'RDS applies minor engine upgrades',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_db_instance'),
    check: (r) => failIf(isFalse(r.values.auto_minor_version_upgrade), 'auto_minor_version_upgrade is false; minor versions carry security fixes'),
  },
  {
    id: 'redis-encrypted-at-rest',
    checkov: 'CKV_AWS_29',
    title: 'ElastiCache is encrypted at rest',
    outsideProduction: 'error',
    appliesTo: ofType('aws_elasticache_replication_group'),
    check: (r) => failIf(!isTrue(r.values.at_rest_encryption_enabled), `at_rest_encryption_enabled is ${shown(r.values.at_rest_encryption_enabled)}; set it to true`),
  },
  {
    id: 'redis-encrypted-in-transit',
    checkov: 'CKV_AWS_30',
    title: 'ElastiCache requires TLS',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_elasticache_replication_group'),
    check: (r) => failIf(!isTrue(r.values.transit_encryption_enabled), `transit_encryption_enabled is ${shown(r.values.transit_encryption_enabled)}; set it to true`),
  },
  {
    id: 'redis-auth',
    checkov: 'CKV_AWS_31',
    title: 'ElastiCache requires TLS and authentication',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_elasticache_replication_group'),
    check: (r) => {
      const authenticated = (typeof r.values.auth_token === 'string' && r.values.auth_token !== '') || list(r.values.user_group_ids).length > 0;
      if (!authenticated) return ['neither auth_token nor user_group_ids is set; any client in the network can use Redis'];
      return failIf(!isTrue(r.values.transit_encryption_enabled), 'authenticates without TLS (transit_encryption_enabled is not true), so the token crosses the network in clear');
    },
  },
  {
    id: 'redis-failover',
    title: 'ElastiCache fails over automatically to another zone',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_elasticache_replication_group'),
    check: (r) => {
      const nodes = numberValue(r.values.num_cache_clusters) ?? 1;
      return failIf(
        nodes < 2 || !isTrue(r.values.automatic_failover_enabled) || !isTrue(r.values.multi_az_enabled),
        `num_cache_clusters is ${nodes}, automatic_failover_enabled ${shown(r.values.automatic_failover_enabled)}, multi_az_enabled ${shown(r.values.multi_az_enabled)}; use at least 2 nodes with both enabled`,
      );
    },
  },
  {
    id: 'redis-snapshots',
    title: 'ElastiCache keeps automatic snapshots',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_elasticache_replication_group'),
    check: (r) => failIf(!((numberValue(r.values.snapshot_retention_limit) ?? 0) > 0), `snapshot_retention_limit is ${shown(r.values.snapshot_retention_limit)}; keep at least 1 day`),
  },
  {
    id: 'vpc-flow-logs',
    checkov: 'CKV2_AWS_11',
    title: 'every VPC has flow logs',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_vpc'),
    check: (r, stack) => failIf(!stack.ofType('aws_flow_log').some((f) => refersTo(f.values.vpc_id, r.address)), "no aws_flow_log records this VPC's traffic"),
  },
  {
    id: 'sg-public-ingress',
    checkov: 'CKV_AWS_24/25/277',
    title: 'only ports 80 and 443 of a load balancer are open to the internet',
    outsideProduction: 'error',
    whenNoneApply: 'no ingress is open to the internet',
    appliesTo: (r, stack) => isSecurityGroupRule(r) && worldOpenings(r, stack).length > 0,
    check: (r, stack) => {
      const lbGroups = stack.ofType(...LOAD_BALANCERS).flatMap((lb) => stack.ofType('aws_security_group').filter((g) => refersTo(lb.values.security_groups, g.address)).map((g) => g.address));
      return worldOpenings(r, stack).flatMap((o) => {
        if (o.from !== o.to || (o.from !== 80 && o.from !== 443)) {
          return [`opens ${portText(o)} to ${o.cidr}; only ports 80 and 443 of a load balancer may be open to the internet`];
        }
        return failIf(!o.group || !lbGroups.includes(o.group), `opens ${portText(o)} to ${o.cidr} on ${o.group ?? 'a security group outside this stack'}, which no load balancer in this stack uses`);
      });
    },
  },
  {
    id: 'sg-public-http',
    checkov: 'CKV_AWS_260',
    title: 'port 80 is not open to the internet',
    outsideProduction: 'warning',
    whenNoneApply: 'port 80 is not open to the internet',
    appliesTo: (r, stack) => isSecurityGroupRule(r) && worldOpenings(r, stack).some((o) => o.from <= 80 && o.to >= 80),
    check: (r, stack) =>
      worldOpenings(r, stack)
        .filter((o) => o.from <= 80 && o.to >= 80)
        .map((o) => `opens port 80 (plain HTTP) to ${o.cidr}`),
  },
  {
    id: 'alb-drop-invalid-headers',
    checkov: 'CKV_AWS_131',
    title: 'the ALB drops invalid HTTP header fields',
    outsideProduction: 'error',
    appliesTo: isApplicationLb,
    check: (r) => failIf(!isTrue(r.values.drop_invalid_header_fields), `drop_invalid_header_fields is ${shown(r.values.drop_invalid_header_fields)}; set it to true to stop request smuggling through malformed headers`),
  },
  {
    id: 'alb-deletion-protection',
    checkov: 'CKV_AWS_150',
    title: 'the load balancer has deletion protection',
    outsideProduction: 'warning',
    appliesTo: ofType(...LOAD_BALANCERS),
    check: (r) => failIf(!isTrue(r.values.enable_deletion_protection), `enable_deletion_protection is ${shown(r.values.enable_deletion_protection)}; set it to true`),
  },
  {
    id: 'alb-https',
    checkov: 'CKV_AWS_2',
    title: 'HTTP listeners only redirect to HTTPS',
    outsideProduction: 'warning',
    appliesTo: (r) => ofType(...LISTENERS)(r) && (r.values.protocol ?? 'HTTP') === 'HTTP',
    check: (r, stack) => {
      const redirectsToHttps = (action: Json) => action.type === 'redirect' && blocks(action.redirect).some((d) => d.protocol === 'HTTPS');
      const problems = blocks(r.values.default_action)
        .filter((a) => !redirectsToHttps(a))
        .map((a) => `serves plain HTTP on port ${String(r.values.port)}: its default action is ${String(a.type)}, not a redirect to HTTPS`);
      const rules = stack.ofType('aws_lb_listener_rule', 'aws_alb_listener_rule').filter((rule) => refersTo(rule.values.listener_arn, r.address));
      for (const rule of rules) {
        if (blocks(rule.values.action).some((a) => !redirectsToHttps(a))) problems.push(`serves plain HTTP through ${rule.address}`);
      }
      return problems;
    },
  },
  {
    id: 'alb-tls-policy',
    checkov: 'CKV_AWS_103',
    title: 'HTTPS listeners accept only TLS 1.2 or newer',
    outsideProduction: 'error',
    whenNoneApply: 'no HTTPS listener',
    appliesTo: (r) => ofType(...LISTENERS)(r) && (r.values.protocol === 'HTTPS' || r.values.protocol === 'TLS'),
    check: (r) => {
      const policy = r.values.ssl_policy;
      if (typeof policy !== 'string') return ['ssl_policy is not set, so AWS uses ELBSecurityPolicy-2016-08, which accepts TLS 1.0; use ELBSecurityPolicy-TLS13-1-2-2021-06'];
      return failIf(!TLS12_POLICIES.test(policy), `ssl_policy ${policy} accepts TLS older than 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06 or another TLS 1.2+ policy`);
    },
  },
  {
    id: 'ecs-container-insights',
    checkov: 'CKV_AWS_65',
    title: 'ECS clusters have Container Insights',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_ecs_cluster'),
    check: (r) => {
      const setting = blocks(r.values.setting).find((s) => s.name === 'containerInsights');
      return failIf(setting?.value !== 'enabled' && setting?.value !== 'enhanced', `containerInsights is ${shown(setting?.value)}; set it to enabled`);
    },
  },
  {
    id: 'ecs-read-only-root',
    checkov: 'CKV_AWS_336',
    title: 'containers have a read-only root filesystem',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_ecs_task_definition'),
    check: (r) => containerProblems(r, (c) => (c.readonlyRootFilesystem === true ? undefined : 'has a writable root filesystem (readonlyRootFilesystem is not true)')),
  },
  {
    id: 'ecs-exec-ready',
    title: 'ECS Exec, where a service turns it on, can open its channel and is logged',
    outsideProduction: 'error',
    whenNoneApply: 'no service with enable_execute_command',
    appliesTo: (r) => ofType('aws_ecs_service')(r) && isTrue(r.values.enable_execute_command),
    check: execProblems,
  },
  {
    id: 'ecs-no-privileged',
    checkov: 'CKV_AWS_334',
    title: 'containers are not privileged',
    outsideProduction: 'error',
    appliesTo: ofType('aws_ecs_task_definition'),
    check: (r) => containerProblems(r, (c) => (c.privileged === true ? 'runs privileged' : undefined)),
  },
  {
    id: 'ecs-no-public-ip',
    checkov: 'CKV_AWS_333',
    title: 'ECS services get no public IP',
    outsideProduction: 'error',
    appliesTo: ofType('aws_ecs_service'),
    check: (r) => failIf(blocks(r.values.network_configuration).some((n) => isTrue(n.assign_public_ip)), 'assign_public_ip is true; tasks belong in private subnets behind the load balancer'),
  },
  {
    id: 'iam-wildcard-resource',
    checkov: 'CKV_AWS_355',
    title: 'IAM policies scope actions to resources',
    outsideProduction: 'error',
    appliesTo: (r) => r.mode === 'managed' && permissionDocuments(r).length > 0,
    check: wildcardResourceProblems,
  },
  {
    id: 'iam-document-wildcard-resource',
    checkov: 'CKV_AWS_356',
    title: 'IAM policy documents scope actions to resources',
    outsideProduction: 'error',
    whenNoneApply: 'no aws_iam_policy_document',
    appliesTo: (r) => r.mode === 'data' && r.type === 'aws_iam_policy_document',
    check: wildcardResourceProblems,
  },
  {
    id: 'iam-wildcard-action',
    checkov: 'CKV_AWS_63',
    title: 'IAM policies do not allow every action',
    outsideProduction: 'error',
    appliesTo: (r) => permissionDocuments(r).length > 0,
    check: (r) =>
      permissionDocuments(r).flatMap((doc) =>
        'statements' in doc ? doc.statements.filter((s) => s.effect === 'Allow' && s.actions.includes('*')).map((s) => `${doc.where} ${s.label} allows every action ("*")`) : [],
      ),
  },
  {
    id: 'github-oidc-trust',
    checkov: 'CKV_AWS_358/393',
    title: 'web-identity trust requires the audience and exact GitHub subjects',
    outsideProduction: 'error',
    whenNoneApply: 'no role trusts a web identity',
    // A trust policy that cannot be read at synth time is reported here too, rather than skipped.
    appliesTo: (r) => trustDocuments(r).some((doc) => ('statements' in doc ? doc.statements.some(isWebIdentity) : !doc.dataSource)),
    check: (r) =>
      trustDocuments(r).flatMap((doc) => {
        if ('statements' in doc) return doc.statements.filter(isWebIdentity).flatMap(webIdentityProblems);
        return doc.dataSource ? [] : [`${doc.where} cannot be checked: ${doc.unreadable}; write it with JSON.stringify or an aws_iam_policy_document data source`];
      }),
  },
  {
    id: 'logs-retention',
    checkov: 'CKV_AWS_66',
    title: 'log groups have a retention period',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_cloudwatch_log_group'),
    check: (r) => failIf(!((numberValue(r.values.retention_in_days) ?? 0) > 0), 'retention_in_days is not set, so the logs are kept (and paid for) forever'),
  },
  {
    id: 's3-encrypted',
    checkov: 'CKV_AWS_145',
    title: 'S3 buckets are encrypted with KMS by default',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_s3_bucket'),
    check: (r, stack) => {
      // The separate resource (provider 4+), or the bucket's deprecated inline block; rules written out or dynamic.
      // The separate resource requires a rule, so its dynamic rule counts whatever its for_each (checkov's
      // S3KMSEncryptedByDefault fixture, bucket_good_6); the inline block itself is optional, so a dynamic
      // inline block counts only with a literal, non-empty for_each.
      const rules = [
        ...bucketSettings(stack, 'aws_s3_bucket_server_side_encryption_configuration', r).flatMap((c) => requiredBlocks(c.values, 'rule')),
        ...nestedBlocks(r.values, 'server_side_encryption_configuration').flatMap((c) => nestedBlocks(c, 'rule')),
      ];
      const kms = rules.some((rule) => nestedBlocks(rule, 'apply_server_side_encryption_by_default').some((d) => String(d.sse_algorithm).startsWith('aws:kms')));
      return failIf(!kms, 'neither an aws_s3_bucket_server_side_encryption_configuration nor its server_side_encryption_configuration block encrypts it with a KMS key by default');
    },
  },
  {
    id: 's3-versioning',
    checkov: 'CKV_AWS_21',
    title: 'S3 buckets keep object versions',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_s3_bucket'),
    check: (r, stack) => {
      // The separate resource (provider 4+), or the bucket's deprecated inline `versioning { enabled = true }`.
      const enabled =
        bucketSettings(stack, 'aws_s3_bucket_versioning', r).some((v) => nestedBlocks(v.values, 'versioning_configuration').some((c) => c.status === 'Enabled')) ||
        nestedBlocks(r.values, 'versioning').some((v) => isTrue(v.enabled));
      return failIf(!enabled, 'neither an aws_s3_bucket_versioning nor its versioning block enables versioning, so an overwrite or delete loses the object');
    },
  },
  {
    id: 's3-public-access-block',
    checkov: 'CKV2_AWS_6',
    title: 'S3 buckets block every form of public access',
    outsideProduction: 'error',
    appliesTo: ofType('aws_s3_bucket'),
    check: (r, stack) => {
      const FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
      const blocked = bucketSettings(stack, 'aws_s3_bucket_public_access_block', r).some((b) => FLAGS.every((f) => isTrue(b.values[f])));
      return failIf(!blocked, `no aws_s3_bucket_public_access_block sets all of ${FLAGS.join(', ')}`);
    },
  },
  {
    id: 'kms-key-rotation',
    checkov: 'CKV_AWS_7',
    title: 'KMS keys rotate',
    outsideProduction: 'warning',
    appliesTo: (r) => ofType('aws_kms_key')(r) && (r.values.customer_master_key_spec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT',
    check: (r) => failIf(!isTrue(r.values.enable_key_rotation), `enable_key_rotation is ${shown(r.values.enable_key_rotation)}; set it to true`),
  },
  {
    id: 'alarm-actions',
    title: 'alarms notify an SNS topic of the stack on ALARM and OK',
    outsideProduction: 'error',
    appliesTo: ofType('aws_cloudwatch_metric_alarm'),
    check: (r, stack) => {
      const topics = stack.ofType('aws_sns_topic').map((t) => t.address);
      const notifies = (value: unknown) => list(value).some((action) => topics.some((t) => refersTo(action, t)));
      return [
        ...failIf(!notifies(r.values.alarm_actions), `alarm_actions is ${shown(r.values.alarm_actions)}: the alarm notifies nobody (D22); add the alarm topic`),
        ...failIf(!notifies(r.values.ok_actions), `ok_actions is ${shown(r.values.ok_actions)}: nobody learns that the alarm cleared; add the alarm topic`),
      ];
    },
  },
  {
    id: 'alarm-topic-subscribed',
    title: 'a topic that alarms notify has at least one subscription',
    outsideProduction: 'warning',
    appliesTo: (r, stack) =>
      ofType('aws_sns_topic')(r) &&
      stack.ofType('aws_cloudwatch_metric_alarm').some((a) => list(a.values.alarm_actions).some((action) => refersTo(action, r.address))),
    check: (r, stack) =>
      failIf(
        !stack.ofType('aws_sns_topic_subscription').some((s) => refersTo(s.values.topic_arn, r.address)),
        'alarms publish to it but nothing subscribes: nobody is paged (monitoring.alarmEmails or monitoring.webhook)',
      ),
  },
  {
    id: 'sns-encrypted',
    checkov: 'CKV_AWS_26',
    title: 'SNS topics are encrypted with KMS',
    outsideProduction: 'warning',
    appliesTo: ofType('aws_sns_topic'),
    check: (r) => failIf(r.values.kms_master_key_id === undefined, 'kms_master_key_id is not set; encrypt the topic with a key CloudWatch may use'),
  },
];
