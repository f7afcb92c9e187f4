import { TerraformStack, Testing } from 'cdktf';
import { EXEC_LOG_ACTIONS, EXEC_SSM_ACTIONS, type IamRefs, Iam } from '../../constructs/iam';
import type { GithubSettings } from '../../environments/schema/github';
import { environment, problemsOf, synthEnvironment } from '../support/helpers';

const policyOf = (resource: Record<string, any>, key = 'policy') => JSON.parse(resource[key]) as { Version: string; Statement: Record<string, any>[] };

describe('iam construct in the shipped environments', () => {
  const staging = synthEnvironment('staging');
  const production = synthEnvironment('production');

  it('creates the two ECS roles with the ECS-tasks trust policy and legacy names', () => {
    for (const [stack, p] of [[staging, 'ohmycoins-staging'], [production, 'ohmycoins-prod']] as const) {
      const account = '${aws_vpc.vpc_main.owner_id}';
      // ECS documents aws:SourceArn (the cluster) for task roles only; both are bound to this account.
      const sourceArn = { ArnLike: { 'aws:SourceArn': `arn:aws:ecs:ap-southeast-2:${account}:*` } };
      for (const [id, name, arn] of [
        ['iam_ecs_task_execution', `${p}-ecs-task-execution-role`, {}],
        ['iam_ecs_task', `${p}-ecs-task-role`, sourceArn],
        ['iam_frontend_task_execution', `${p}-frontend-task-execution-role`, {}],
        ['iam_frontend_task', `${p}-frontend-task-role`, sourceArn],
      ] as const) {
        const role = stack.resource('aws_iam_role', id);
        expect(role.name).toBe(name);
        expect(policyOf(role, 'assume_role_policy')).toEqual({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              Principal: { Service: 'ecs-tasks.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': account }, ...arn },
            },
          ],
        });
      }
    }
    expect(staging.resource('aws_iam_role_policy_attachment', 'iam_ecs_task_execution')).toMatchObject({
      role: '${aws_iam_role.iam_ecs_task_execution.name}',
      policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
    });
  });

  it('lets the execution role read exactly the container secrets, without kms:Decrypt on secret ARNs (D19)', () => {
    const stagingPolicy = staging.resource('aws_iam_role_policy', 'iam_ecs_task_execution_secrets');
    expect(stagingPolicy).toMatchObject({ name: 'ohmycoins-staging-ecs-task-execution-secrets-policy', role: '${aws_iam_role.iam_ecs_task_execution.id}' });
    expect(policyOf(stagingPolicy).Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: ['${aws_secretsmanager_secret.app_secrets.arn}', '${terraform_data.rds_master_user_secret.output.secret_arns.0}'],
      },
    ]);
    expect(policyOf(production.resource('aws_iam_role_policy', 'iam_ecs_task_execution_secrets')).Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [
          '${aws_secretsmanager_secret.app_secrets.arn}',
          '${terraform_data.rds_master_user_secret.output.secret_arns.0}',
          '${aws_secretsmanager_secret.redis_auth_token.arn}',
        ],
      },
    ]);
    for (const stack of [staging, production]) {
      expect(JSON.stringify(stack.resources('aws_iam_role_policy'))).not.toContain('kms:Decrypt');
    }
  });

  it('gives the backend task role the legacy application policy, scoped to this account, plus ECS Exec where it is on', () => {
    const policy = staging.resource('aws_iam_role_policy', 'iam_ecs_task_app');
    expect(policy).toMatchObject({ name: 'ohmycoins-staging-ecs-task-app-policy', role: '${aws_iam_role.iam_ecs_task.id}' });
    const account = '${aws_vpc.vpc_main.owner_id}';
    const inThisAccount = { StringEquals: { 's3:ResourceAccount': account } };
    const logs = `arn:aws:logs:ap-southeast-2:${account}:log-group:/ecs/ohmycoins-staging`;
    const app = [
      { Sid: 'Objects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: ['arn:aws:s3:::ohmycoins-staging-*/*'], Condition: inThisAccount },
      { Sid: 'Buckets', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::ohmycoins-staging-*'], Condition: inThisAccount },
      // Legacy: every log group ('arn:aws:logs:*:*:*'); now the backend's own log group.
      { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${logs}/backend:*` },
      { Sid: 'Secrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: ['${aws_secretsmanager_secret.app_secrets.arn}'] },
    ];
    expect(policyOf(policy).Statement).toEqual([
      ...app,
      // Staging has ECS Exec on: the SSM messages channel and the sessions' log group.
      { Sid: 'ExecChannel', Effect: 'Allow', Action: [...EXEC_SSM_ACTIONS], Resource: '*' },
      { Sid: 'ExecLogGroups', Effect: 'Allow', Action: ['logs:DescribeLogGroups'], Resource: '*' },
      { Sid: 'ExecLogs', Effect: 'Allow', Action: [...EXEC_LOG_ACTIONS], Resource: [`${logs}/exec`, `${logs}/exec:*`] },
    ]);
    const prod = policyOf(production.resource('aws_iam_role_policy', 'iam_ecs_task_app')).Statement;
    expect(prod[0].Resource).toEqual(['arn:aws:s3:::ohmycoins-prod-*/*']);
    expect(prod.map((s) => s.Sid)).toEqual(app.map((s) => s.Sid));
  });

  it('creates the OIDC provider in staging only: one owner per account (D14)', () => {
    expect(staging.resource('aws_iam_openid_connect_provider', 'iam_github_actions')).toMatchObject({
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
      thumbprint_list: ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd'],
    });
    expect(production.resources('aws_iam_openid_connect_provider')).toEqual({});
  });

  it('makes the staging deploy role trust the provider the stack creates, never an empty principal (D7)', () => {
    const trust = policyOf(staging.resource('aws_iam_role', 'iam_github_actions'), 'assume_role_policy');
    expect(trust.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: '${aws_iam_openid_connect_provider.iam_github_actions.arn}' },
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': ['repo:MarkLimmage/ohmycoins:environment:staging-deploy'],
          },
        },
      },
    ]);
    expect(staging.json.variable?.github_oidc_provider_arn).toBeUndefined();
  });

  it("makes the production deploy role trust the account's provider by its ARN built from the account, with nothing to pass (D7)", () => {
    const trust = policyOf(production.resource('aws_iam_role', 'iam_github_actions'), 'assume_role_policy');
    // No accountId in production's settings: the account that owns its VPC, known from the state (no AWS call).
    expect(trust.Statement[0].Principal).toEqual({ Federated: 'arn:aws:iam::${aws_vpc.vpc_main.owner_id}:oidc-provider/token.actions.githubusercontent.com' });
    expect(production.json.variable?.github_oidc_provider_arn).toBeUndefined();
    // With an accountId, the ARN is known at synth.
    const pinned = synthEnvironment('production', (r) => (r.accountId = '210987654321'));
    expect(policyOf(pinned.resource('aws_iam_role', 'iam_github_actions'), 'assume_role_policy').Statement[0].Principal).toEqual({
      Federated: 'arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com',
    });
  });

  it('narrows the subject to the configured subjects with StringEquals, never repo:<repo>:* (D21)', () => {
    const trust = policyOf(production.resource('aws_iam_role', 'iam_github_actions'), 'assume_role_policy');
    expect(trust.Statement[0].Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': ['repo:MarkLimmage/ohmycoins:environment:production-deploy'],
      },
    });
    expect(JSON.stringify(trust)).not.toContain('*');
  });

  it('uses a configured provider ARN directly, without a variable', () => {
    const arn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    const stack = synthEnvironment('production', (r) => (r.github.oidcProviderArn = arn));
    expect(policyOf(stack.resource('aws_iam_role', 'iam_github_actions'), 'assume_role_policy').Statement[0].Principal).toEqual({ Federated: arn });
    expect(stack.json.variable?.github_oidc_provider_arn).toBeUndefined();
  });

  it('scopes the deploy policy to this environment: no ECR (D20), ECS services of its cluster, PassRole of its two roles to ECS', () => {
    const policy = production.resource('aws_iam_role_policy', 'iam_github_actions_deploy');
    expect(policy).toMatchObject({ name: 'ohmycoins-prod-github-actions-deploy-policy', role: '${aws_iam_role.iam_github_actions.id}' });
    expect(policyOf(policy).Statement).toEqual([
      { Sid: 'TaskDefinitions', Effect: 'Allow', Action: ['ecs:RegisterTaskDefinition', 'ecs:DescribeTaskDefinition'], Resource: '*' },
      { Sid: 'Services', Effect: 'Allow', Action: ['ecs:UpdateService', 'ecs:DescribeServices'], Resource: 'arn:aws:ecs:ap-southeast-2:*:service/ohmycoins-prod-cluster/*' },
      { Sid: 'Tasks', Effect: 'Allow', Action: ['ecs:DescribeTasks'], Resource: 'arn:aws:ecs:ap-southeast-2:*:task/ohmycoins-prod-cluster/*' },
      { Sid: 'ListTasks', Effect: 'Allow', Action: ['ecs:ListTasks'], Resource: '*' },
      {
        Sid: 'PassTaskRoles',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        // Each service's two roles: the deploy role registers both task definitions.
        Resource: [
          '${aws_iam_role.iam_ecs_task_execution.arn}',
          '${aws_iam_role.iam_ecs_task.arn}',
          '${aws_iam_role.iam_frontend_task_execution.arn}',
          '${aws_iam_role.iam_frontend_task.arn}',
        ],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
      { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:aws:logs:ap-southeast-2:*:log-group:/ecs/ohmycoins-prod/*' },
    ]);
    expect(JSON.stringify(policyOf(policy))).not.toContain('ecr:');
  });

  it('rejects a configured provider ARN in the stack that creates the provider (D14)', () => {
    const arn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    expect(problemsOf('staging', (r) => (r.github.oidcProviderArn = arn))).toEqual([
      `- staging.github.oidcProviderArn = "${arn}": must be unset when github.createOidcProvider is true: the deploy role then trusts the provider this stack creates (one owner per account, D14)`,
    ]);
  });

  it('rejects a wildcard subject in the config (D21)', () => {
    expect(problemsOf('production', (r) => (r.github.deploySubjects = ['repo:MarkLimmage/ohmycoins:*']))).toEqual([
      '- production.github.deploySubjects.0 = "repo:MarkLimmage/ohmycoins:*": must be an exact GitHub OIDC subject (no wildcards), e.g. repo:octo-org/app:ref:refs/heads/main, repo:octo-org/app:ref:refs/tags/v1.2.0, repo:octo-org/app:environment:production or repo:octo-org/app:pull_request',
    ]);
  });
});

describe('iam construct options', () => {
  // The shipped staging section (it creates the provider), changed only where a test says so.
  const settings: GithubSettings = { ...environment('staging').github, deploySubjects: ['repo:o/r:ref:refs/heads/main'] };
  const refs: IamRefs = {
    region: 'ap-southeast-2',
    accountId: '123456789012',
    executeCommand: false,
    executionSecretArns: ['arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:x-app-secrets-AbCdEf'],
    taskSecretArns: [],
  };
  const shared = { projectName: 'x', tags: {} };
  const make = (changed: Partial<GithubSettings>, changedRefs: Partial<IamRefs> = {}) => () =>
    new Iam(new TerraformStack(Testing.app(), 'test'), 'iam', shared, { ...settings, ...changed }, { ...refs, ...changedRefs });

  it('refuses a deploy role without any OIDC provider (D7)', () => {
    expect(make({ createOidcProvider: false })).toThrow('test/iam: the deploy role needs an OIDC provider: set createOidcProvider or give oidcProviderArn (D7)');
  });

  it('refuses both creating a provider and using an existing one (D14)', () => {
    expect(make({ oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' })).toThrow(
      'test/iam: give either createOidcProvider or oidcProviderArn, not both',
    );
  });

  it('refuses wildcard or missing subjects (D21)', () => {
    expect(make({ deploySubjects: ['repo:o/r:*'] })).toThrow('test/iam: deploy subject "repo:o/r:*" has a wildcard; list exact subjects (D21)');
    expect(make({ deploySubjects: [] })).toThrow('test/iam: deploySubjects is empty; nobody could assume the deploy role');
  });

  it('grants kms:Decrypt on customer-managed key ARNs only when given (D19)', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const key = 'arn:aws:kms:ap-southeast-2:123456789012:key/0000';
    new Iam(stack, 'iam', shared, settings, { ...refs, secretsKmsKeyArns: [key] });
    const policies = JSON.parse(Testing.synth(stack)).resource.aws_iam_role_policy;
    expect(policyOf(policies.iam_ecs_task_execution_secrets).Statement[1]).toEqual({ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [key] });
    // No task secrets given: the task policy has no Secrets Manager statement.
    expect(JSON.stringify(policyOf(policies.iam_ecs_task_app))).not.toContain('secretsmanager:');
  });
});
