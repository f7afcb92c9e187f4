/**
 * The legacy root resource `aws_secretsmanager_secret.app_secrets`: the Secrets
 * Manager secret holding the backend's JSON secrets. Terraform creates the secret
 * only; its value is put by an operator (never in code, JSON or state), see docs/secrets.md.
 */
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import type { Construct } from 'constructs';
import { pin } from '../lib/addresses';
import { resourceNames } from '../lib/names';
import type { ApplicationSettings } from '../environments/schema/application';
import { PlatformConstruct, type SharedProps } from './base';

/**
 * Every secret the backend container reads from Secrets Manager (legacy reference,
 * section 11). POSTGRES_PASSWORD comes from the RDS-managed master-user secret
 * (`Database.masterPasswordValueFrom`), the others from the application secret.
 */
export const BACKEND_SECRET_KEYS = [
  'SECRET_KEY',
  'POSTGRES_PASSWORD',
  'FIRST_SUPERUSER',
  'FIRST_SUPERUSER_PASSWORD',
  'SMTP_HOST',
  'SMTP_USER',
  'SMTP_PASSWORD',
  'OPENAI_API_KEY',
] as const;
export type BackendSecretKey = (typeof BACKEND_SECRET_KEYS)[number];

/** The JSON keys an operator stores in the application secret: every backend secret except POSTGRES_PASSWORD (D12 [empty app secret, password copied by hand]). */
export const APP_SECRET_KEYS = BACKEND_SECRET_KEYS.filter(
  (key): key is Exclude<BackendSecretKey, 'POSTGRES_PASSWORD'> => key !== 'POSTGRES_PASSWORD',
);
export type AppSecretKey = (typeof APP_SECRET_KEYS)[number];

/** What the secret needs besides its settings. */
export interface AppSecretRefs {
  /** Name of the environment, in the description `Application secrets for Oh My Coins <environment>`. */
  readonly environment: string;
}

/** Name of an environment's application secret (legacy `<project_name>-app-secrets`). */
export function appSecretName(projectName: string): string {
  return resourceNames(projectName).app.secret;
}

export class Application extends PlatformConstruct {
  /** ARN of the secret. */
  public readonly secretArn: string;
  /** Name of the secret, `<projectName>-app-secrets`. */
  public readonly secretName: string;

  /** The address is `aws_secretsmanager_secret.app_secrets`: a root resource in the legacy code, so `app` is its prefix. */
  constructor(scope: Construct, id: string, shared: SharedProps, settings: Pick<ApplicationSettings, 'secretRecoveryWindowDays'>, refs: AppSecretRefs) {
    super(scope, id, shared, 'app');
    const name = this.names.app.secret;
    const secret = pin(
      new SecretsmanagerSecret(this, 'Secret', {
        name,
        description: `Application secrets for Oh My Coins ${refs.environment}`,
        recoveryWindowInDays: settings.secretRecoveryWindowDays,
        tags: this.tags,
      }),
      this.at('secrets'),
    );
    this.secretArn = secret.arn;
    this.secretName = name;
  }

  /** The ECS `valueFrom` of one JSON key of this secret: `<arn>:<key>::`. */
  public valueFrom(key: AppSecretKey): string {
    return `${this.secretArn}:${key}::`;
  }
}
