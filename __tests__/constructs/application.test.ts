import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { APP_SECRET_KEYS, Application, BACKEND_SECRET_KEYS } from '../../constructs/application';
import { environment, synthEnvironment } from '../support/helpers';

describe('application secret', () => {
  const staging = synthEnvironment('staging');
  const production = synthEnvironment('production');

  it('reproduces the legacy secret and its recovery window per environment', () => {
    expect(staging.resource('aws_secretsmanager_secret', 'app_secrets')).toMatchObject({
      name: 'ohmycoins-staging-app-secrets',
      description: 'Application secrets for Oh My Coins staging',
      recovery_window_in_days: 7,
      tags: { Environment: 'staging', Project: 'Oh My Coins', ManagedBy: 'Terraform' },
    });
    expect(production.resource('aws_secretsmanager_secret', 'app_secrets')).toMatchObject({
      name: 'ohmycoins-prod-app-secrets',
      description: 'Application secrets for Oh My Coins production',
      recovery_window_in_days: 30,
    });
  });

  it('never stores a value of the application secret in Terraform (D12)', () => {
    const versions = [staging, production].flatMap((s) => Object.values(s.resources('aws_secretsmanager_secret_version')));
    // The only secret version is the production Redis token, from a sensitive variable, written write-only.
    expect(versions.map((v) => [v.secret_id, v.secret_string, v.secret_string_wo])).toEqual([
      ['${aws_secretsmanager_secret.redis_auth_token.id}', undefined, '${var.redis_auth_token}'],
    ]);
  });

  it('documents the eight backend secrets in typed form; POSTGRES_PASSWORD comes from the RDS-managed secret (D12)', () => {
    expect([...BACKEND_SECRET_KEYS]).toEqual([
      'SECRET_KEY', 'POSTGRES_PASSWORD', 'FIRST_SUPERUSER', 'FIRST_SUPERUSER_PASSWORD', 'SMTP_HOST', 'SMTP_USER', 'SMTP_PASSWORD', 'OPENAI_API_KEY',
    ]);
    expect([...APP_SECRET_KEYS]).toEqual(BACKEND_SECRET_KEYS.filter((k) => k !== 'POSTGRES_PASSWORD'));
  });

  it('gives the ECS valueFrom of a key', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const secret = new Application(stack, 'secret', { projectName: 'x', tags: {} }, environment('production').application, { environment: 'qa' });
    new TerraformOutput(stack, 'from', { value: secret.valueFrom('SECRET_KEY') });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.output.from.value).toBe('${aws_secretsmanager_secret.app_secrets.arn}:SECRET_KEY::');
    expect(json.resource.aws_secretsmanager_secret.app_secrets).toMatchObject({ name: 'x-app-secrets', recovery_window_in_days: 30 });
  });
});

describe('stack outputs', () => {
  it('declares the legacy outputs of the data tier and identity, with their references', () => {
    for (const name of ['staging', 'production'] as const) {
      const outputs = synthEnvironment(name).json.output;
      // objectContaining: the other modules add their own outputs.
      expect(Object.fromEntries(Object.entries(outputs).map(([k, v]: [string, any]) => [k, v.value]))).toEqual(expect.objectContaining({
        db_endpoint: '${aws_db_instance.rds_main.endpoint}',
        redis_endpoint: '${aws_elasticache_replication_group.redis_main.primary_endpoint_address}',
        redis_reader_endpoint: '${aws_elasticache_replication_group.redis_main.reader_endpoint_address}',
        github_actions_role_arn: '${aws_iam_role.iam_github_actions.arn}',
        secrets_manager_secret_arn: '${aws_secretsmanager_secret.app_secrets.arn}',
      }));
      expect(Object.values(outputs).some((o: any) => o.sensitive)).toBe(false);
    }
  });
});
