/**
 * One environment's stack: the AWS provider with the legacy default tags, the state
 * backend (S3, or Terraform Cloud), and the platform constructs wired together the way the legacy
 * root configurations wired the modules.
 */
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { IResolvable, TerraformOutput, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { LoadBalancer } from '../constructs/load-balancer';
import { Application } from '../constructs/application';
import type { SharedProps } from '../constructs/base';
import { Ecs } from '../constructs/ecs';
import { CredentialRotation } from '../constructs/credential-rotation';
import { Monitoring } from '../constructs/monitoring';
import { Iam } from '../constructs/iam';
import { Database } from '../constructs/database';
import { Cache } from '../constructs/cache';
import { retiredSecurityRuleRemovals, Security } from '../constructs/security';
import { Network } from '../constructs/network';
import type { EnvironmentConfig } from '../environments/schema';
import { AddressPinnedStack } from '../lib/addresses';
import { githubOidcProviderArn } from '../lib/arns';
import { enforcePolicy, type PolicyOptions } from '../lib/policy/engine';
import { addCertificateArnVariable, addImageVariables } from './deployment-variables';
import { platformDashboardWidgets } from './platform-dashboard';
import { addStateBackend } from './state-backend';

import { REQUIRED_TERRAFORM_VERSION } from './terraform';

/** Tags on every resource: the legacy `default_tags`. */
export function commonTags(config: Pick<EnvironmentConfig, 'name'>): Record<string, string> {
  return { Project: 'Oh My Coins', Environment: config.name, ManagedBy: 'Terraform' };
}

export class PlatformStack extends AddressPinnedStack {
  /** The environment's settings this stack was built from. */
  public readonly config: EnvironmentConfig;
  /** The VPC construct. */
  public readonly network: Network;
  /** The security groups construct. */
  public readonly security: Security;
  /** The application secret (legacy root resource). */
  public readonly application: Application;
  /** The PostgreSQL instance. */
  public readonly database: Database;
  /** The Redis replication group. */
  public readonly cache: Cache;
  /** The ECS and GitHub Actions roles. */
  public readonly iam: Iam;
  /** The Application Load Balancer, its target groups, listeners and alarms. */
  public readonly loadBalancer: LoadBalancer;
  /** The ECS cluster, task definitions, services and backend autoscaling. */
  public readonly ecs: Ecs;
  /** Redeploys the backend after RDS rotates the master password. */
  public readonly credentialRotation: CredentialRotation;
  /** The alarm topic, its subscriptions and the dashboard. */
  public readonly monitoring: Monitoring;
  /** How the security and data-protection policy judges this stack (checked at every synth). */
  public readonly policy: PolicyOptions;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.name);
    this.config = config;
    this.policy = { productionLike: config.productionLike, exceptions: config.policyExceptions };
    enforcePolicy(this, this.policy);
    const tags = commonTags(config);
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);

    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags }],
      allowedAccountIds: config.accountId ? [config.accountId] : undefined,
    });
    addStateBackend(this, config.name, config.stateBackend);

    // What every construct shares; each then gets its config section as is, and what it connects to.
    const shared: SharedProps = { projectName: config.projectName, tags };
    this.network = new Network(this, 'vpc', shared, config.network, { region: config.region });

    this.security = new Security(this, 'security', shared, config.security, { vpcId: this.network.vpcId });
    // The legacy rules the groups no longer have: forgotten, not destroyed, by the first plan (constructs/security.ts).
    this.addOverride('removed', retiredSecurityRuleRemovals());
    // The account of the confused-deputy conditions and of the S3 grants.
    const accountId = config.accountId ?? this.network.ownerAccountId;

    // The alarm topic comes first: every construct's alarms notify it on ALARM and OK (D22 [alarms notifying nobody]).
    const mon = config.monitoring;
    const webhookUrl = mon.webhook
      ? new TerraformVariable(this, 'alarm_webhook_url', {
          type: 'string',
          sensitive: true,
          description: `HTTPS endpoint (chat or paging webhook, usually with a token in it) subscribed to the ${config.projectName}-alarms topic`,
        }).stringValue
      : undefined;
    this.monitoring = new Monitoring(this, 'monitoring', shared, mon, {
      region: config.region,
      accountId,
      webhookUrl,
    });

    this.application = new Application(this, 'app-secret', shared, config.application, { environment: config.name });

    this.database = new Database(this, 'rds', shared, config.database, {
      subnetIds: this.network.privateDbSubnetIds,
      securityGroupIds: [this.security.rdsSecurityGroupId],
      alarmTopicArn: this.monitoring.alarmTopicArn,
      accountId,
    });

    const cache = config.cache;
    // Sensitive, no default; its format is checked by a precondition in the redis construct (D5 [empty Redis AUTH token]).
    const authTokenValue = cache.authToken
      ? new TerraformVariable(this, 'redis_auth_token', {
          type: 'string',
          sensitive: true,
          description: `Redis AUTH token of ${config.projectName}-redis: 16-128 characters, letters, digits and ! & # $ ^ < > - only. Also stored in the secret ${config.projectName}-redis-auth for the backend (written there write-only; raise redis_auth_token_version with a new token).`,
        }).stringValue
      : undefined;
    // Not ephemeral: ElastiCache's auth_token has no write-only form and Terraform refuses an ephemeral value
    // there, so the token stays in the state through auth_token (docs/secrets.md, "Secret values in state").
    const authTokenVersion = cache.authToken
      ? new TerraformVariable(this, 'redis_auth_token_version', {
          type: 'number',
          default: 1,
          description: `Version of redis_auth_token: raise it (2, 3, ...) in the same apply as a new token, so Terraform writes the new token to the secret ${config.projectName}-redis-auth`,
          validation: [{ condition: '${var.redis_auth_token_version >= 1 && floor(var.redis_auth_token_version) == var.redis_auth_token_version}', errorMessage: 'redis_auth_token_version must be a whole number from 1.' }],
        }).numberValue
      : undefined;
    this.cache = new Cache(this, 'redis', shared, cache, {
      subnetIds: this.network.privateDbSubnetIds,
      securityGroupIds: [this.security.redisSecurityGroupId],
      alarmTopicArn: this.monitoring.alarmTopicArn,
      authTokenValue,
      authTokenVersion,
      secretRecoveryWindowDays: config.application.secretRecoveryWindowDays,
    });

    const github = config.github;
    // Staging creates the account's provider (D14 [two creators of the OIDC provider]); the others trust it by the ARN given in their
    // settings or else built from the account id: nothing for a workflow to pass, and no AWS call at
    // plan time (docs/decisions.md, "The OIDC provider of the account").
    const oidcProviderArn = github.createOidcProvider
      ? undefined
      : (github.oidcProviderArn ?? githubOidcProviderArn(config.accountId ?? this.network.ownerAccountId));
    this.iam = new Iam(this, 'iam', shared, { ...github, oidcProviderArn }, {
      region: config.region,
      accountId,
      executeCommand: config.ecs.executeCommand,
      executionSecretArns: [
        this.application.secretArn,
        this.database.masterUserSecretArn,
        ...(this.cache.authTokenSecretArn ? [this.cache.authTokenSecretArn] : []),
      ],
      taskSecretArns: [this.application.secretArn],
    });

    this.loadBalancer = new LoadBalancer(this, 'alb', shared, config.loadBalancer, {
      vpcId: this.network.vpcId,
      subnetIds: this.network.publicSubnetIds,
      securityGroupIds: [this.security.albSecurityGroupId],
      application: config.application,
      // HTTPS (and the required certificate_arn variable) only where the environment serves it (D9 [staging frontend target group unattached], D10 [redirect to a missing HTTPS listener]).
      certificateArn: config.loadBalancer.https ? addCertificateArnVariable(this) : undefined,
      alarmTopicArn: this.monitoring.alarmTopicArn,
    });

    const images = addImageVariables(this, config.application);
    this.ecs = new Ecs(this, 'ecs', shared, config.ecs, {
      environment: config.name,
      region: config.region,
      application: config.application,
      subnetIds: this.network.privateAppSubnetIds,
      loadBalancerArnSuffix: this.loadBalancer.albArnSuffix,
      alarmTopicArn: this.monitoring.alarmTopicArn,
      backend: {
        image: images.backendImage,
        imageTag: images.backendImageTag,
        targetGroupArn: this.loadBalancer.backendTargetGroupArn,
        targetGroupArnSuffix: this.loadBalancer.backendTargetGroupArnSuffix,
        // D11 [service created before its listener rule]: after the listener rule that attaches the backend target group, not just a listener.
        dependsOn: [this.loadBalancer.backendRouting],
        securityGroupIds: [this.security.backendSecurityGroupId],
        roles: this.iam.backend,
        database: {
          host: this.database.address,
          port: this.database.port,
          name: this.database.databaseName,
          user: this.database.masterUsername,
          passwordValueFrom: this.database.masterPasswordValueFrom,
        },
        redis: {
          host: this.cache.primaryEndpointAddress,
          port: this.cache.port,
          tls: this.cache.transitEncryption,
          authTokenValueFrom: this.cache.authTokenSecretArn,
        },
        appSecretArn: this.application.secretArn,
      },
      frontend: {
        image: images.frontendImage,
        imageTag: images.frontendImageTag,
        targetGroupArn: this.loadBalancer.frontendTargetGroupArn,
        targetGroupArnSuffix: this.loadBalancer.frontendTargetGroupArnSuffix,
        dependsOn: [this.loadBalancer.frontendRouting],
        securityGroupIds: [this.security.frontendSecurityGroupId],
        roles: this.iam.frontend,
        // D10: the scheme and host this environment really serves the API on.
        apiUrl: this.loadBalancer.apiBaseUrl,
      },
    });

    // ECS reads POSTGRES_PASSWORD only when a task starts: replace the backend's tasks after every rotation.
    this.credentialRotation = new CredentialRotation(this, 'rotation', shared, {
      secretArn: this.database.masterUserSecretArn,
      clusterArn: this.ecs.cluster.arn,
      serviceName: this.ecs.backend.service.name,
      serviceArn: this.ecs.backend.service.id,
      region: config.region,
      accountId,
    });

    // Generated from the resources above, so it cannot drift from what is deployed.
    const dashboardUrl = this.monitoring.addDashboard(
      platformDashboardWidgets({
        region: config.region,
        ecs: {
          clusterName: this.ecs.cluster.name,
          services: [
            { label: 'backend', serviceName: this.ecs.backend.service.name },
            { label: 'frontend', serviceName: this.ecs.frontend.service.name },
          ],
        },
        alb: {
          arnSuffix: this.loadBalancer.albArnSuffix,
          targetGroups: [
            { label: 'backend', arnSuffix: this.loadBalancer.backendTargetGroupArnSuffix },
            { label: 'frontend', arnSuffix: this.loadBalancer.frontendTargetGroupArnSuffix },
          ],
        },
        rds: { instanceIdentifier: this.database.instanceIdentifier },
        redis: { memberClusterIds: this.cache.memberClusterIds },
        alarmArns: this.node.findAll().filter((c): c is CloudwatchMetricAlarm => c instanceof CloudwatchMetricAlarm).map((a) => a.arn),
      }),
    );

    // The legacy outputs; redis_reader_endpoint, production-only there, is declared in every environment.
    const output = (id: string, value: string | IResolvable, description: string) => new TerraformOutput(this, id, { value, description });
    output('vpc_id', this.network.vpcId, 'VPC id');
    output('alb_dns_name', this.loadBalancer.albDnsName, 'Public DNS name of the load balancer (point the DNS records at it)');
    output('db_endpoint', this.database.endpoint, 'PostgreSQL endpoint, address:port');
    output('redis_endpoint', this.cache.primaryEndpointAddress, 'Redis primary endpoint address');
    output('redis_reader_endpoint', this.cache.readerEndpointAddress, 'Redis reader endpoint address');
    output('github_actions_role_arn', this.iam.githubActionsRoleArn, 'Role GitHub Actions assumes to deploy');
    output('secrets_manager_secret_arn', this.application.secretArn, 'ARN of the application secret (values are put by an operator)');
    output('ecs_cluster_name', this.ecs.cluster.name, 'ECS cluster name');
    output('backend_service_name', this.ecs.backend.service.name, 'ECS service of the backend');
    output('frontend_service_name', this.ecs.frontend.service.name, 'ECS service of the frontend');
    output('alarm_topic_arn', this.monitoring.alarmTopicArn, 'SNS topic every alarm notifies; subscribe on-call tools here');
    output('dashboard_url', dashboardUrl, 'CloudWatch console URL of the platform dashboard');
  }
}
