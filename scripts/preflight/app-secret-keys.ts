/**
 * The JSON keys the backend reads from the application secret `<projectName>-app-secrets`
 * (reference section 11, D12).
 *
 * TODO(merge): the data tier exports this list as `APP_SECRET_KEYS` from constructs/app-secret.ts;
 * once it is on main, replace this file's body with
 * `export { APP_SECRET_KEYS } from '../../constructs/app-secret';`.
 */
export const APP_SECRET_KEYS = [
  'SECRET_KEY',
  'POSTGRES_PASSWORD',
  'FIRST_SUPERUSER',
  'FIRST_SUPERUSER_PASSWORD',
  'SMTP_HOST',
  'SMTP_USER',
  'SMTP_PASSWORD',
  'OPENAI_API_KEY',
] as const;
