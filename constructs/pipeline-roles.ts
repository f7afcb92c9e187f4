/**
 * The roles the GitHub Actions workflows assume to plan and apply the environments, and the
 * state isolation they rely on. Per environment (lib/pipeline.ts names them and their subjects):
 *
 * - its own KMS key for its state, with an explicit key policy: the account's administrators
 *   administer it; its plan, pull-request plan and drift roles may only decrypt, its apply role
 *   decrypt and generate data keys; all of them only through S3, for this bucket;
 * - a pull-request plan role (not production-like, when pull-request plans are on) or a
 *   reviewer-gated plan role (production-like), and a drift role: read the environment's state and
 *   what a refresh needs, nothing else (the pull-request plan role is denied every secret value);
 * - an apply role under the permissions boundary: manages the environment's resources, reads
 *   and writes its own state and lock, and nothing of any other environment.
 *
 * Each role trusts exactly one OIDC subject. The bucket policy statements that keep every other
 * principal out of `<env>/…` are returned by `bucketPolicyStatements()` for the state bucket.
 */
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import type { BootstrapConfig } from '../environments/schema/bootstrap';
import { logicalIds, pin } from '../lib/addresses';
import { keyAdministrators, policyDocument, type PolicyStatement } from '../lib/iam-document';
import {
  PIPELINE_NAME_PREFIX,
  pipelineRoleName,
  pipelineSubject,
  roleKindsOf,
  snake,
  type PipelineEnvironment,
  type PipelineRoleKind,
} from '../lib/pipeline';
import { exceptPolicy } from '../lib/policy/engine';
import { GITHUB_OIDC_HOST } from './iam';
import type { BootstrapSharedProps } from './state-storage';

/** What the roles connect to: the state bucket and lock table of the bootstrap stack. */
export interface PipelineRefs {
  /** The account id (a literal or a Terraform expression). */
  readonly accountId: string;
  /** ARN of the GitHub OIDC provider the roles trust. */
  readonly oidcProviderArn: string;
  readonly region: string;
  readonly bucketName: string;
  readonly lockTableName: string;
  /** The state key of an environment, e.g. `production/terraform.tfstate`. */
  readonly stateKey: (environment: string) => string;
  /** The alias of an environment's state key (`alias/...`), as its backend names it. */
  readonly keyAlias: (environment: string) => string;
  /** The shared key of the state before per-environment keys: no pipeline role may use it. */
  readonly legacyKeyArn: string;
  /** The bootstrap settings' own: the environments' state keys wait as long as the shared one. */
  readonly kmsKeyDeletionWindowDays: BootstrapConfig['kmsKeyDeletionWindowDays'];
}

/** One environment's roles and key. */
export interface EnvironmentPipeline {
  readonly environment: PipelineEnvironment;
  /** Role ARNs by kind (only the kinds the environment gets). */
  readonly roleArns: Partial<Record<PipelineRoleKind, string>>;
  readonly keyArn: string;
  readonly keyAlias: string;
}

/**
 * Read-only actions a `terraform plan` refresh of an environment stack calls, on `*` (most of
 * them have no resource-level permissions). No object, log event, parameter or secret value.
 */
export const REFRESH_ACTIONS = [
  'acm:DescribeCertificate',
  'acm:ListTagsForCertificate',
  'application-autoscaling:Describe*',
  'application-autoscaling:ListTagsForResource',
  'cloudwatch:Describe*',
  'cloudwatch:GetDashboard',
  'cloudwatch:ListTagsForResource',
  'ec2:Describe*',
  'ecs:Describe*',
  'ecs:List*',
  'elasticache:Describe*',
  'elasticache:ListTagsForResource',
  'elasticloadbalancing:Describe*',
  'events:Describe*',
  'events:ListTagsForResource',
  'events:ListTargetsByRule',
  'iam:Get*',
  'iam:List*',
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListResourceTags',
  'logs:Describe*',
  'logs:ListTagsForResource',
  'logs:ListTagsLogGroup',
  'rds:Describe*',
  'rds:ListTagsForResource',
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetResourcePolicy',
  'secretsmanager:ListSecrets',
  'sns:GetSubscriptionAttributes',
  'sns:GetTopicAttributes',
  'sns:ListSubscriptionsByTopic',
  'sns:ListTagsForResource',
  'states:DescribeStateMachine',
  'states:ListStateMachines',
  'states:ListTagsForResource',
  'sts:GetCallerIdentity',
] as const;

/** Services whose resources the environment stacks create; the apply roles manage them. */
export const MANAGED_SERVICES = [
  'application-autoscaling',
  'cloudwatch',
  'ec2',
  'ecs',
  'elasticache',
  'elasticloadbalancing',
  'events',
  'kms',
  'logs',
  'rds',
  'secretsmanager',
  'sns',
  'states',
] as const;

/** IAM actions the boundary denies outright: new users and their credentials, and account-level changes. */
export const ESCALATION_ACTIONS = [
  'iam:CreateUser',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:AttachUserPolicy',
  'iam:PutUserPolicy',
  'iam:AddUserToGroup',
  'iam:CreateGroup',
  'iam:AttachGroupPolicy',
  'iam:PutGroupPolicy',
  'iam:CreateSAMLProvider',
  'iam:UpdateAccountPasswordPolicy',
  'organizations:*',
  'account:*',
] as const;

/** IAM actions that change a role or a managed policy: allowed only on the environment's own names. */
export const ROLE_AND_POLICY_WRITES = [
  'iam:AttachRolePolicy',
  'iam:CreatePolicy',
  'iam:CreatePolicyVersion',
  'iam:CreateRole',
  'iam:DeletePolicy',
  'iam:DeletePolicyVersion',
  'iam:DeleteRole',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:SetDefaultPolicyVersion',
  'iam:TagPolicy',
  'iam:TagRole',
  'iam:UntagPolicy',
  'iam:UntagRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
] as const;

const STATE_OBJECT_READS = ['s3:GetObject', 's3:GetObjectVersion'];
const STATE_OBJECT_WRITES = ['s3:PutObject', 's3:DeleteObject'];

export class PipelineRoles extends Construct {
  /** Per environment, in registry order. */
  public readonly environments: readonly EnvironmentPipeline[];
  /** ARN of the permissions boundary of every apply role. */
  public readonly applyBoundaryArn: string;
  private readonly refs: PipelineRefs;
  private readonly settings: BootstrapConfig['pipeline'];

  constructor(scope: Construct, id: string, shared: BootstrapSharedProps, settings: BootstrapConfig['pipeline'], environments: readonly PipelineEnvironment[], refs: PipelineRefs) {
    super(scope, id);
    this.refs = refs;
    this.settings = settings;
    const at = logicalIds(`${shared.addressPrefix ?? 'bootstrap'}_pipeline`);
    const tags = shared.tags;
    const { accountId } = refs;
    const bucketArn = `arn:aws:s3:::${refs.bucketName}`;
    const lockTableArn = `arn:aws:dynamodb:${refs.region}:${accountId}:table/${refs.lockTableName}`;

    const boundary = pin(
      new IamPolicy(this, 'ApplyBoundary', {
        name: `${PIPELINE_NAME_PREFIX}-apply-boundary`,
        description: 'Permissions boundary of the Terraform apply roles: no users, no account changes, no roles or policies outside the environment, no pipeline role',
        policy: policyDocument(...this.boundaryStatements()),
        tags,
      }),
      at('apply_boundary'),
    );
    exceptPolicy(
      boundary,
      'iam-wildcard-resource',
      'a permissions boundary caps what the apply roles may ever do; their own policies scope the resources, and its deny statements stop escalation',
    );
    this.applyBoundaryArn = boundary.arn;

    // Three passes: roles (their trust needs nothing), keys (their policies name the roles), then the
    // roles' policies (they name every environment's key).
    const built = environments.map((environment) => {
      const env = environment.name;
      const kinds = roleKindsOf(environment, settings);
      const roles = Object.fromEntries(
        kinds.map((kind) => {
          const role = pin(
            new IamRole(this, `${env}-${kind}`, {
              name: pipelineRoleName(env, kind),
              description: `Terraform ${kind} of ${env}, assumed from ${pipelineSubject(settings.repository, env, kind)}`,
              assumeRolePolicy: policyDocument({
                Effect: 'Allow',
                Action: 'sts:AssumeRoleWithWebIdentity',
                Principal: { Federated: refs.oidcProviderArn },
                Condition: {
                  StringEquals: {
                    [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
                    [`${GITHUB_OIDC_HOST}:sub`]: pipelineSubject(settings.repository, env, kind),
                  },
                },
              }),
              permissionsBoundary: kind === 'apply' ? boundary.arn : undefined,
              maxSessionDuration: 3600,
              tags: { ...tags, Name: pipelineRoleName(env, kind) },
            }),
            at(`${snake(env)}_${snake(kind)}`),
          );
          return [kind, role];
        }),
      ) as Partial<Record<PipelineRoleKind, IamRole>>;
      return { environment, kinds, roles };
    });

    const keyed = built.map(({ environment, kinds, roles }) => {
      const env = environment.name;
      const readers = kinds.filter((k) => k !== 'apply').map((k) => (roles[k] as IamRole).arn);
      const applyArn = (roles.apply as IamRole).arn;
      const stateContext = { 'kms:ViaService': `s3.${refs.region}.amazonaws.com` };
      const s3Context = { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/${env}/*`] };
      const key = pin(
        new KmsKey(this, `${env}-key`, {
          description: `Encrypts the Terraform state of ${env} in s3://${refs.bucketName}/${env}/`,
          enableKeyRotation: true,
          deletionWindowInDays: refs.kmsKeyDeletionWindowDays,
          policy: policyDocument(
            keyAdministrators(accountId, this.administratorArns()),
            ...(readers.length > 0
              ? [
                  {
                    Sid: 'PlanRolesReadState',
                    Effect: 'Allow',
                    Principal: { AWS: readers },
                    Action: ['kms:Decrypt'],
                    Resource: '*',
                    Condition: { StringEquals: stateContext, StringLike: s3Context },
                  } as const,
                ]
              : []),
            {
              Sid: 'ApplyRoleReadsAndWritesState',
              Effect: 'Allow',
              Principal: { AWS: applyArn },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
              Resource: '*',
              Condition: { StringEquals: stateContext, StringLike: s3Context },
            },
          ),
          tags: { ...tags, Name: `${refs.bucketName}-${env}-key` },
          lifecycle: { preventDestroy: true },
        }),
        at(`${snake(env)}_state`),
      );
      const alias = pin(new KmsAlias(this, `${env}-key-alias`, { name: refs.keyAlias(env), targetKeyId: key.keyId }), at(`${snake(env)}_state`));
      return { environment, kinds, roles, key, alias };
    });

    this.environments = keyed.map(({ environment, kinds, roles, key, alias }) => {
      const env = environment.name;
      const others = keyed.filter((e) => e.environment.name !== env);
      const otherState: PolicyStatement[] =
        others.length > 0
          ? [{ Sid: 'NoOtherEnvironmentState', Effect: 'Deny', Action: 's3:*', Resource: others.map((o) => `${bucketArn}/${o.environment.name}/*`) }]
          : [];
      const noOtherKeys: PolicyStatement = {
        Sid: 'NoOtherStateKeys',
        Effect: 'Deny',
        Action: 'kms:*',
        Resource: [refs.legacyKeyArn, ...others.map((o) => o.key.arn)],
      };
      const stateRead: PolicyStatement[] = [
        { Sid: 'ReadState', Effect: 'Allow', Action: STATE_OBJECT_READS, Resource: `${bucketArn}/${env}/*` },
        { Sid: 'ListState', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, Condition: { StringLike: { 's3:prefix': `${env}/*` } } },
        { Sid: 'DecryptState', Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.arn },
        {
          Sid: 'ReadLock',
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:DescribeTable'],
          Resource: lockTableArn,
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${refs.bucketName}/${refs.stateKey(env)}*`] } },
        },
        noOtherKeys,
        ...otherState,
      ];
      const refresh: PolicyStatement = { Sid: 'Refresh', Effect: 'Allow', Action: [...REFRESH_ACTIONS], Resource: '*' };
      const ownSecrets = `arn:aws:secretsmanager:${environment.region}:${accountId}:secret:${environment.projectName}-*`;

      for (const kind of kinds) {
        const statements: PolicyStatement[] =
          kind === 'apply'
            ? [...this.applyStatements(environment, key.arn, bucketArn, lockTableArn), noOtherKeys, ...otherState]
            : [
                refresh,
                ...stateRead,
                kind === 'pr-plan'
                  ? { Sid: 'NoSecretValues', Effect: 'Deny', Action: 'secretsmanager:GetSecretValue', Resource: '*' }
                  : // The refresh of a secret version reads its value; the state holds it anyway.
                    { Sid: 'ReadOwnSecretVersions', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: ownSecrets },
              ];
        const policy = pin(
          new IamRolePolicy(this, `${env}-${kind}-policy`, {
            name: `${pipelineRoleName(env, kind)}-policy`,
            role: (roles[kind] as IamRole).id,
            policy: policyDocument(...statements),
          }),
          at(`${snake(env)}_${snake(kind)}`),
        );
        exceptPolicy(
          policy,
          'iam-wildcard-resource',
          kind === 'apply'
            ? 'Terraform creates resources whose ARNs do not exist before the apply (ec2:*, ecs:*, ... on "*"); the permissions boundary and the deny statements keep it inside its environment'
            : 'a refresh describes every resource of the stack, and most Describe/List actions have no resource-level permissions',
        );
      }

      return {
        environment,
        roleArns: Object.fromEntries(kinds.map((k) => [k, (roles[k] as IamRole).arn])) as Partial<Record<PipelineRoleKind, string>>,
        keyArn: key.arn,
        keyAlias: alias.name,
      };
    });
  }

  /** ARN patterns of the administrators: the configured roles and the account's root user. */
  public administratorArns(): string[] {
    const account = this.refs.accountId;
    return [`arn:aws:iam::${account}:root`, ...this.settings.administratorRoles.map((role) => `arn:aws:iam::${account}:role/${role}`)];
  }

  /**
   * The state bucket's statements for the environments: nobody but an environment's roles and the
   * administrators reads or writes `<env>/…`; uploads there must name the environment's key; the
   * bootstrap stack's own state is the administrators' alone.
   */
  public bucketPolicyStatements(bootstrapPrefix: string): PolicyStatement[] {
    const bucketArn = `arn:aws:s3:::${this.refs.bucketName}`;
    const admins = this.administratorArns();
    return [
      ...this.environments.flatMap(({ environment, roleArns, keyArn }): PolicyStatement[] => {
        const env = environment.name;
        const objects = `${bucketArn}/${env}/*`;
        const id = env.replace(/[^A-Za-z0-9]/g, '').replace(/^./, (c) => c.toUpperCase());
        const aliasName = this.refs.keyAlias(env);
        return [
          {
            Sid: `Only${id}RolesAndAdministrators`,
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: objects,
            Condition: { ArnNotLike: { 'aws:PrincipalArn': [...Object.values(roleArns), ...admins] } },
          },
          {
            Sid: `${id}UploadsUseItsKey`,
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:PutObject',
            Resource: objects,
            Condition: {
              StringNotEquals: {
                's3:x-amz-server-side-encryption-aws-kms-key-id': [keyArn, aliasName, `arn:aws:kms:${this.refs.region}:${this.refs.accountId}:${aliasName}`],
              },
            },
          },
        ];
      }),
      {
        Sid: 'BootstrapStateAdministratorsOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: `${bucketArn}/${bootstrapPrefix}/*`,
        Condition: { ArnNotLike: { 'aws:PrincipalArn': admins } },
      },
    ];
  }

  private applyStatements(environment: PipelineEnvironment, keyArn: string, bucketArn: string, lockTableArn: string): PolicyStatement[] {
    const { accountId } = this.refs;
    const env = environment.name;
    const project = environment.projectName;
    return [
      { Sid: 'ManageEnvironmentResources', Effect: 'Allow', Action: MANAGED_SERVICES.map((s) => `${s}:*`), Resource: '*' },
      { Sid: 'Refresh', Effect: 'Allow', Action: [...REFRESH_ACTIONS], Resource: '*' },
      {
        Sid: 'OwnRolesAndPolicies',
        Effect: 'Allow',
        Action: [...ROLE_AND_POLICY_WRITES, 'iam:PassRole'],
        Resource: [`arn:aws:iam::${accountId}:role/${project}-*`, `arn:aws:iam::${accountId}:policy/${project}-*`],
      },
      {
        Sid: 'ServiceLinkedRoles',
        Effect: 'Allow',
        Action: 'iam:CreateServiceLinkedRole',
        Resource: `arn:aws:iam::${accountId}:role/aws-service-role/*`,
      },
      {
        Sid: 'GithubOidcProvider',
        Effect: 'Allow',
        Action: [
          'iam:CreateOpenIDConnectProvider',
          'iam:DeleteOpenIDConnectProvider',
          'iam:TagOpenIDConnectProvider',
          'iam:UntagOpenIDConnectProvider',
          'iam:UpdateOpenIDConnectProviderThumbprint',
          'iam:AddClientIDToOpenIDConnectProvider',
          'iam:RemoveClientIDFromOpenIDConnectProvider',
        ],
        Resource: `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`,
      },
      { Sid: 'ReadWriteState', Effect: 'Allow', Action: [...STATE_OBJECT_READS, ...STATE_OBJECT_WRITES], Resource: `${bucketArn}/${env}/*` },
      { Sid: 'ListState', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, Condition: { StringLike: { 's3:prefix': `${env}/*` } } },
      {
        Sid: 'Lock',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable'],
        Resource: lockTableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${this.refs.bucketName}/${this.refs.stateKey(env)}*`] } },
      },
      { Sid: 'UseOwnStateKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: keyArn },
    ];
  }

  /** The boundary: what any apply role may ever do, whatever its own policy says. */
  private boundaryStatements(): PolicyStatement[] {
    const { accountId } = this.refs;
    const bucketArn = `arn:aws:s3:::${this.refs.bucketName}`;
    return [
      {
        Sid: 'Ceiling',
        Effect: 'Allow',
        Action: [...MANAGED_SERVICES.map((s) => `${s}:*`), 'iam:*', 's3:*', 'dynamodb:*', 'acm:Describe*', 'acm:List*', 'sts:GetCallerIdentity'],
        Resource: '*',
      },
      { Sid: 'NoUsersNoAccountChanges', Effect: 'Deny', Action: [...ESCALATION_ACTIONS], Resource: '*' },
      {
        Sid: 'NoRolesOrPoliciesOutsideTheProject',
        Effect: 'Deny',
        Action: [...ROLE_AND_POLICY_WRITES, 'iam:PassRole'],
        NotResource: [`arn:aws:iam::${accountId}:role/ohmycoins-*`, `arn:aws:iam::${accountId}:policy/ohmycoins-*`],
      },
      {
        Sid: 'NoPipelineRoleOrPolicy',
        Effect: 'Deny',
        Action: 'iam:*',
        Resource: [`arn:aws:iam::${accountId}:role/${PIPELINE_NAME_PREFIX}-*`, `arn:aws:iam::${accountId}:policy/${PIPELINE_NAME_PREFIX}-*`],
      },
      {
        Sid: 'NoStateBucketOrLockTableSettings',
        Effect: 'Deny',
        NotAction: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable'],
        Resource: [bucketArn, `${bucketArn}/*`, `arn:aws:dynamodb:${this.refs.region}:${accountId}:table/${this.refs.lockTableName}`],
      },
      { Sid: 'NoRoleHopping', Effect: 'Deny', Action: ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity'], Resource: '*' },
    ];
  }
}
