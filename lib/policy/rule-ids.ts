/**
 * The ids of the security and data-protection policy rules (lib/policy/rules.ts).
 * Kept apart, without imports, so the environment schema can check that an exception
 * names a rule that exists.
 */
export const POLICY_RULE_IDS = [
  'rds-encrypted',
  'rds-not-public',
  'rds-deletion-protection',
  'rds-multi-az',
  'rds-backups',
  'rds-final-snapshot',
  'rds-log-exports',
  'rds-enhanced-monitoring',
  'rds-minor-upgrades',
  'redis-encrypted-at-rest',
  'redis-encrypted-in-transit',
  'redis-auth',
  'redis-failover',
  'redis-snapshots',
  'vpc-flow-logs',
  'sg-public-ingress',
  'sg-public-http',
  'alb-drop-invalid-headers',
  'alb-deletion-protection',
  'alb-https',
  'alb-tls-policy',
  'ecs-container-insights',
  'ecs-read-only-root',
  'ecs-exec-ready',
  'ecs-no-privileged',
  'ecs-no-public-ip',
  'iam-wildcard-resource',
  'iam-document-wildcard-resource',
  'iam-wildcard-action',
  'github-oidc-trust',
  'logs-retention',
  's3-encrypted',
  's3-versioning',
  's3-public-access-block',
  'kms-key-rotation',
  'alarm-actions',
  'alarm-topic-subscribed',
  'sns-encrypted',
] as const;

export type PolicyRuleId = (typeof POLICY_RULE_IDS)[number];
