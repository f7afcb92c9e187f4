/**
 * The legacy container definitions (reference section 10.1) as functions of their
 * inputs, so the unit and Terraform tests compare against one written-out copy.
 * POSTGRES_PASSWORD is already the D12 [empty app secret, password copied by hand] fix: it comes from `postgresPasswordValueFrom`.
 */

export interface LegacyBackendInputs {
  readonly image: string;
  readonly environment: string;
  readonly projectName: string;
  readonly postgresServer: string;
  readonly redisHost: string;
  readonly corsOrigins: string;
  readonly domain: string;
  readonly frontendHost: string;
  readonly appSecretArn: string;
  readonly postgresPasswordValueFrom: string;
  readonly logGroup: string;
}

export function legacyBackendContainer(i: LegacyBackendInputs) {
  const app = (key: string) => ({ name: key, valueFrom: `${i.appSecretArn}:${key}::` });
  return {
    name: 'backend',
    image: i.image,
    essential: true,
    portMappings: [{ containerPort: 8000, protocol: 'tcp' }],
    environment: [
      { name: 'ENVIRONMENT', value: i.environment },
      { name: 'PROJECT_NAME', value: i.projectName },
      { name: 'POSTGRES_SERVER', value: i.postgresServer },
      { name: 'POSTGRES_PORT', value: '5432' },
      { name: 'POSTGRES_DB', value: 'app' },
      { name: 'POSTGRES_USER', value: 'postgres' },
      { name: 'REDIS_HOST', value: i.redisHost },
      { name: 'REDIS_PORT', value: '6379' },
      { name: 'BACKEND_CORS_ORIGINS', value: i.corsOrigins },
      { name: 'DOMAIN', value: i.domain },
      { name: 'FRONTEND_HOST', value: i.frontendHost },
    ],
    secrets: [
      app('SECRET_KEY'),
      { name: 'POSTGRES_PASSWORD', valueFrom: i.postgresPasswordValueFrom },
      app('FIRST_SUPERUSER'),
      app('FIRST_SUPERUSER_PASSWORD'),
      app('SMTP_HOST'),
      app('SMTP_USER'),
      app('SMTP_PASSWORD'),
      app('OPENAI_API_KEY'),
    ],
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': i.logGroup, 'awslogs-region': 'ap-southeast-2', 'awslogs-stream-prefix': 'ecs' },
    },
    healthCheck: {
      command: ['CMD-SHELL', 'curl -f http://localhost:8000/api/v1/utils/health-check/ || exit 1'],
      interval: 30,
      timeout: 5,
      retries: 3,
      startPeriod: 60,
    },
  };
}

export function legacyFrontendContainer(i: { readonly image: string; readonly apiUrl: string; readonly logGroup: string }) {
  return {
    name: 'frontend',
    image: i.image,
    essential: true,
    portMappings: [{ containerPort: 80, protocol: 'tcp' }],
    environment: [{ name: 'VITE_API_URL', value: i.apiUrl }],
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': i.logGroup, 'awslogs-region': 'ap-southeast-2', 'awslogs-stream-prefix': 'ecs' },
    },
  };
}

/** The backend inputs of a shipped stack, as Terraform references (synthesized JSON or plan configuration). */
export function stackBackendInputs(env: 'staging' | 'production'): LegacyBackendInputs {
  const staging = env === 'staging';
  return {
    image: '${var.backend_image}:${var.backend_image_tag}',
    environment: env,
    projectName: staging ? 'ohmycoins-staging' : 'ohmycoins-prod',
    postgresServer: '${aws_db_instance.rds_main.address}',
    redisHost: '${aws_elasticache_replication_group.redis_main.primary_endpoint_address}',
    corsOrigins: staging ? 'https://dashboard.staging.ohmycoins.com,http://localhost:5173' : 'https://dashboard.ohmycoins.com',
    domain: staging ? 'staging.ohmycoins.com' : 'ohmycoins.com',
    frontendHost: staging ? 'https://dashboard.staging.ohmycoins.com' : 'https://dashboard.ohmycoins.com',
    appSecretArn: '${aws_secretsmanager_secret.app_secrets.arn}',
    postgresPasswordValueFrom: '${terraform_data.rds_master_user_secret.output.secret_arns.0}:password::',
    logGroup: '${aws_cloudwatch_log_group.ecs_backend.name}',
  };
}
