/**
 * The legacy `iam` module: the ECS task execution role (ECS agent: image pulls,
 * logs, secrets), the ECS task role (the application), the GitHub Actions deploy
 * role, and optionally the account-wide GitHub OIDC provider.
 *
 * Fixed here: the deploy role trusts the provider this stack creates or a given
 * provider ARN, never an empty principal (D7 [empty OIDC principal]); exactly one stack per account creates
 * the provider (D14 [two creators of the OIDC provider]); the subject condition lists exact subjects (D21 [wildcard OIDC subject]); no
 * `kms:Decrypt` on secret ARNs (D19 [kms:Decrypt on secret ARNs]); no ECR permissions, the images are on GHCR (D20 [unused ECR permissions]).
 */
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { Construct } from 'constructs';
import { pin } from '../lib/addresses';
import { assumeRolePolicy, policyDocument, PolicyStatement } from '../lib/iam-document';
import type { GithubSettings } from '../environments/schema/github';
import { PlatformConstruct, type SharedProps } from './base';

/** The GitHub Actions OIDC issuer. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** Thumbprints of the legacy provider, kept as they were (IAM trusts GitHub's certificate authority regardless). */
export const GITHUB_OIDC_THUMBPRINTS = ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd'];

/**
 * Log writes on the environment's container log groups and their streams (legacy: every log
 * group of every account, `arn:aws:logs:*:*:*`, which the iam-wildcard-resource rule refuses).
 */
function logWrites(region: string, logGroupPrefix: string): PolicyStatement {
  return {
    Effect: 'Allow',
    Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: `arn:aws:logs:${region}:*:log-group:${logGroupPrefix}/*`,
  };
}

/**
 * Whether the `github` settings both create the account's OIDC provider and name an existing one
 * (one owner per account, D14: the account holds one provider for GitHub's URL). The one
 * statement of the rule: the schema's check (environments/schema/github.ts) reports it for an
 * environment file, the construct's guard for settings given to it directly.
 */
export function createsAndNamesOidcProvider(github: Partial<Pick<GithubSettings, 'createOidcProvider' | 'oidcProviderArn'>>): boolean {
  return github.createOidcProvider === true && github.oidcProviderArn !== undefined;
}

/** What the roles connect to. */
export interface IamRefs {
  /** Region of the ECS cluster the deploy role may update, and of the log groups the roles write. */
  readonly region: string;
  /** The account the stack deploys to: the `aws:SourceAccount` of the ECS trust policies and the `s3:ResourceAccount` of S3 grants. */
  readonly accountId: string;
  /**
   * Secrets the ECS agent resolves into the backend's container secrets (application secret, RDS
   * master secret, Redis AUTH secret). Must not be empty. The frontend's execution role reads none.
   */
  readonly executionSecretArns: string[];
  /** Secrets the backend itself may read with its task role (legacy: the application secret). */
  readonly taskSecretArns: string[];
  /**
   * ECS Exec on the backend (`ecs.executeCommand`): its task role gets the SSM messages channel and
   * may write the sessions' log group (constructs/ecs.ts, `EXEC_TASK_ROLE_ACTIONS`).
   */
  readonly executeCommand: boolean;
  /**
   * Customer-managed KMS keys encrypting those secrets; `kms:Decrypt` is granted on these keys only,
   * none when unset. Secrets encrypted with the AWS-managed key, as today's are, need no grant (D19).
   */
  readonly secretsKmsKeyArns?: string[];
}

/** The actions ECS Exec needs on the task role: the SSM messages channel (no resource-level permissions). */
export const EXEC_SSM_ACTIONS = [
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
] as const;

/** What the task role needs to write exec sessions to their log group (ECS developer guide, "ECS Exec", logging). */
export const EXEC_LOG_ACTIONS = ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'] as const;

/** One ECS service's two roles. */
export interface ServiceRoles {
  /** ARN of the task execution role (task definition `execution_role_arn`): the ECS agent's. */
  readonly executionRoleArn: string;
  /** Name of the task execution role. */
  readonly executionRoleName: string;
  /** ARN of the task role (task definition `task_role_arn`): the application's. */
  readonly taskRoleArn: string;
  /** Name of the task role. */
  readonly taskRoleName: string;
}

export class Iam extends PlatformConstruct {
  /** The backend's roles (the legacy ECS roles, kept: renaming a role replaces it). */
  public readonly backend: ServiceRoles;
  /** The frontend's roles: its task role has no permission at all, its execution role writes its log group only. */
  public readonly frontend: ServiceRoles;
  /** ARN of the GitHub Actions deploy role (the legacy `github_actions_role_arn` output). */
  public readonly githubActionsRoleArn: string;
  /** ARN of the GitHub OIDC provider the deploy role trusts (created here or given). */
  public readonly oidcProviderArn: string;

  constructor(scope: Construct, id: string, shared: SharedProps, settings: GithubSettings, refs: IamRefs) {
    super(scope, id, shared, 'iam');
    const p = this.projectName;
    const names = this.names;
    const tags = this.tags;
    const at = this.at;
    const logWritesStatement = logWrites(refs.region, names.ecs.logGroupPrefix);
    const where = this.node.path;
    const existingProviderArn = settings.oidcProviderArn;
    if (refs.executionSecretArns.length === 0) throw new Error(`${where}: executionSecretArns is empty; give the secrets the containers receive`);
    if (settings.deploySubjects.length === 0) throw new Error(`${where}: deploySubjects is empty; nobody could assume the deploy role`);
    for (const subject of settings.deploySubjects) {
      if (subject.includes('*') || subject.includes('?')) throw new Error(`${where}: deploy subject "${subject}" has a wildcard; list exact subjects (D21)`);
    }
    if (createsAndNamesOidcProvider(settings)) {
      throw new Error(`${where}: give either createOidcProvider or oidcProviderArn, not both; one stack per account owns the provider (D14)`);
    }
    if (!settings.createOidcProvider && !existingProviderArn) {
      throw new Error(`${where}: the deploy role needs an OIDC provider: set createOidcProvider or give oidcProviderArn (D7)`);
    }

    // ECS sets aws:SourceArn (the task's cluster) when it assumes a task role, but documents only
    // aws:SourceAccount for the execution role, which its agent assumes (ECS developer guide, "Task IAM role").
    const account = refs.accountId;
    const executionTrust = assumeRolePolicy('ecs-tasks.amazonaws.com', { account });
    const taskTrust = assumeRolePolicy('ecs-tasks.amazonaws.com', { account, arn: `arn:aws:ecs:${refs.region}:${account}:*` });
    const logGroupArn = (name: string) => `arn:aws:logs:${refs.region}:${account}:log-group:${name}`;
    const kmsDecrypt: PolicyStatement[] =
      (refs.secretsKmsKeyArns ?? []).length > 0 ? [{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: refs.secretsKmsKeyArns }] : [];

    const execution = pin(new IamRole(this, 'TaskExecutionRole', { name: names.iam.ecsTaskExecutionRole, assumeRolePolicy: executionTrust, tags }), at('ecs_task_execution'));
    pin(
      new IamRolePolicyAttachment(this, 'TaskExecutionManagedPolicy', {
        role: execution.name,
        policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
      }),
      at('ecs_task_execution'),
    );
    pin(
      new IamRolePolicy(this, 'TaskExecutionSecretsPolicy', {
        name: names.iam.ecsTaskExecutionSecretsPolicy,
        role: execution.id,
        policy: policyDocument({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: refs.executionSecretArns }, ...kmsDecrypt),
      }),
      at('ecs_task_execution_secrets'),
    );

    const execLog = logGroupArn(names.ecs.execLogGroup);
    const task = pin(new IamRole(this, 'TaskRole', { name: names.iam.ecsTaskRole, assumeRolePolicy: taskTrust, tags }), at('ecs_task'));
    // S3: the project's buckets of this account only (bucket names are global: another account's
    // `<project>-…` bucket would match the ARN pattern).
    const inThisAccount = { StringEquals: { 's3:ResourceAccount': account } };
    pin(
      new IamRolePolicy(this, 'TaskAppPolicy', {
        name: names.iam.ecsTaskAppPolicy,
        role: task.id,
        policy: policyDocument(
          { Sid: 'Objects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: [`arn:aws:s3:::${p}-*/*`], Condition: inThisAccount },
          { Sid: 'Buckets', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${p}-*`], Condition: inThisAccount },
          { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${logGroupArn(names.ecs.backendLogGroup)}:*` },
          ...(refs.taskSecretArns.length > 0
            ? [{ Sid: 'Secrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: refs.taskSecretArns } as const]
            : []),
          ...kmsDecrypt,
          ...(refs.executeCommand
            ? ([
                { Sid: 'ExecChannel', Effect: 'Allow', Action: [...EXEC_SSM_ACTIONS], Resource: '*' },
                { Sid: 'ExecLogGroups', Effect: 'Allow', Action: ['logs:DescribeLogGroups'], Resource: '*' },
                { Sid: 'ExecLogs', Effect: 'Allow', Action: [...EXEC_LOG_ACTIONS], Resource: [execLog, `${execLog}:*`] },
              ] as const)
            : []),
        ),
      }),
      at('ecs_task_app'),
    );
    this.backend = { executionRoleArn: execution.arn, executionRoleName: execution.name, taskRoleArn: task.arn, taskRoleName: task.name };

    // The frontend (nginx serving static files) calls no AWS API: a task role without any policy.
    // Its execution role only writes the container's log group (the image is public on GHCR: no pull grant).
    const frontendExecution = pin(
      new IamRole(this, 'FrontendExecutionRole', { name: names.iam.frontendTaskExecutionRole, assumeRolePolicy: executionTrust, tags }),
      at('frontend_task_execution'),
      'added',
    );
    pin(
      new IamRolePolicy(this, 'FrontendExecutionLogsPolicy', {
        name: names.iam.frontendTaskExecutionLogsPolicy,
        role: frontendExecution.id,
        policy: policyDocument({
          Sid: 'ContainerLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: `${logGroupArn(names.ecs.frontendLogGroup)}:*`,
        }),
      }),
      at('frontend_task_execution_logs'),
      'added',
    );
    const frontendTask = pin(
      new IamRole(this, 'FrontendTaskRole', { name: names.iam.frontendTaskRole, assumeRolePolicy: taskTrust, tags }),
      at('frontend_task'),
      'added',
    );
    this.frontend = {
      executionRoleArn: frontendExecution.arn,
      executionRoleName: frontendExecution.name,
      taskRoleArn: frontendTask.arn,
      taskRoleName: frontendTask.name,
    };

    const oidcProviderArn = settings.createOidcProvider
      ? pin(
          new IamOpenidConnectProvider(this, 'GithubOidcProvider', {
            url: `https://${GITHUB_OIDC_HOST}`,
            clientIdList: ['sts.amazonaws.com'],
            thumbprintList: GITHUB_OIDC_THUMBPRINTS,
            tags,
          }),
          at('github_actions'),
          'counted-once',
        ).arn
      : (existingProviderArn as string);

    const github = pin(
      new IamRole(this, 'GithubActionsRole', {
        name: names.iam.githubActionsRole,
        assumeRolePolicy: policyDocument({
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: oidcProviderArn },
          Condition: {
            StringEquals: {
              [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
              [`${GITHUB_OIDC_HOST}:sub`]: [...settings.deploySubjects],
            },
          },
        }),
        tags,
      }),
      at('github_actions'),
      'counted-once',
    );

    const cluster = names.ecs.cluster;
    const ecsArn = (kind: string) => `arn:aws:ecs:${refs.region}:*:${kind}/${cluster}/*`;
    pin(
      new IamRolePolicy(this, 'GithubActionsDeployPolicy', {
        name: names.iam.githubActionsDeployPolicy,
        role: github.id,
        policy: policyDocument(
          // Task definitions have no resource-level permissions for these two actions.
          { Sid: 'TaskDefinitions', Effect: 'Allow', Action: ['ecs:RegisterTaskDefinition', 'ecs:DescribeTaskDefinition'], Resource: '*' },
          { Sid: 'Services', Effect: 'Allow', Action: ['ecs:UpdateService', 'ecs:DescribeServices'], Resource: ecsArn('service') },
          { Sid: 'Tasks', Effect: 'Allow', Action: ['ecs:DescribeTasks'], Resource: ecsArn('task') },
          { Sid: 'ListTasks', Effect: 'Allow', Action: ['ecs:ListTasks'], Resource: '*' },
          {
            Sid: 'PassTaskRoles',
            Effect: 'Allow',
            Action: ['iam:PassRole'],
            Resource: [execution.arn, task.arn, frontendExecution.arn, frontendTask.arn],
            Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
          },
          logWritesStatement,
        ),
      }),
      at('github_actions_deploy'),
      'counted-once',
    );

    this.githubActionsRoleArn = github.arn;
    this.oidcProviderArn = oidcProviderArn;
  }
}
