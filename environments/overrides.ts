/**
 * The OMC_* state-backend overrides (for CI): they rewrite an environment's raw `stateBackend`
 * settings before validation, so a bad value is reported like any other setting. The stacks
 * only see the result (stacks/state-backend.ts builds the backend from it).
 */

/**
 * Environment variables that override an environment's `stateBackend` (for CI). Each can be
 * scoped to one environment with an upper-case suffix, which wins over the unscoped one:
 * OMC_TFC_WORKSPACE_PRODUCTION=ohmycoins-prod. In OMC_TFC_WORKSPACE and OMC_TFC_WORKSPACE_TAGS,
 * `{environment}` is replaced by the environment's name.
 */
export const STATE_BACKEND_ENV_VARS = {
  /** `s3` or `cloud`. */
  type: 'OMC_STATE_BACKEND',
  /** Terraform Cloud organization. */
  organization: 'OMC_TFC_ORGANIZATION',
  /** Terraform Enterprise host name. */
  hostname: 'OMC_TFC_HOSTNAME',
  /** Terraform Cloud project. */
  project: 'OMC_TFC_PROJECT',
  /** One workspace, by name. */
  workspace: 'OMC_TFC_WORKSPACE',
  /** Workspaces selected by tags, comma-separated. */
  workspaceTags: 'OMC_TFC_WORKSPACE_TAGS',
} as const;

/** Raw settings after the overrides, and which variable set each overridden field. */
export interface StateBackendOverrides {
  /** The environment's raw settings with `stateBackend` replaced (the input itself when nothing is set). */
  readonly raw: unknown;
  /**
   * Field path (e.g. `stateBackend.workspace.name`) to a note on where its value came from
   * (`set by OMC_TFC_WORKSPACE`), added to any problem reported for that field.
   */
  readonly notes: Readonly<Record<string, string>>;
}

function scopedVariable(env: NodeJS.ProcessEnv, variable: string, environment: string): { name: string; value: string } | undefined {
  const scoped = `${variable}_${environment.toUpperCase().replace(/-/g, '_')}`;
  for (const name of [scoped, variable]) {
    const value = env[name];
    if (value !== undefined && value !== '') return { name, value };
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Applies the OMC_* state-backend variables to an environment's raw settings. The result is
 * validated like any environment file, so a bad value is reported with the environment, the
 * field, the value and what is allowed, and `notes` names the variable that supplied it.
 * Switching an S3 environment to `cloud` starts from an empty cloud block; switching a cloud
 * environment to `s3` uses S3-native locking.
 */
export function applyStateBackendOverrides(environment: string, raw: unknown, env: NodeJS.ProcessEnv = process.env): StateBackendOverrides {
  const read = (key: keyof typeof STATE_BACKEND_ENV_VARS) => scopedVariable(env, STATE_BACKEND_ENV_VARS[key], environment);
  const set = Object.fromEntries(
    (Object.keys(STATE_BACKEND_ENV_VARS) as (keyof typeof STATE_BACKEND_ENV_VARS)[]).flatMap((key) => {
      const found = read(key);
      return found ? [[key, found]] : [];
    }),
  ) as Partial<Record<keyof typeof STATE_BACKEND_ENV_VARS, { name: string; value: string }>>;
  if (Object.keys(set).length === 0 || !isRecord(raw)) return { raw, notes: {} };

  const notes: Record<string, string> = {};
  const current = isRecord(raw.stateBackend) ? raw.stateBackend : {};
  const type = set.type?.value ?? current.type;
  if (set.type) notes['stateBackend.type'] = `set by ${set.type.name}`;
  let backend: Record<string, unknown>;
  if (type === current.type) backend = { ...current };
  else if (type === 's3') backend = { type, locking: 'lockfile' };
  else if (type === 'cloud') backend = { type };
  else backend = { ...current, type };

  if (type === 'cloud') {
    const fill = (value: string) => value.replace(/\{environment\}/g, environment);
    for (const key of ['organization', 'hostname', 'project'] as const) {
      const found = set[key];
      if (found) {
        backend[key] = found.value;
        notes[`stateBackend.${key}`] = `set by ${found.name}`;
      }
    }
    if (set.workspace || set.workspaceTags) {
      const workspace: Record<string, unknown> = {};
      if (set.workspace) {
        workspace.name = fill(set.workspace.value);
        notes['stateBackend.workspace.name'] = `set by ${set.workspace.name}`;
      }
      if (set.workspaceTags) {
        workspace.tags = set.workspaceTags.value.split(',').map((t) => fill(t.trim())).filter((t) => t !== '');
        notes['stateBackend.workspace.tags'] = `set by ${set.workspaceTags.name}`;
      }
      notes['stateBackend.workspace'] = `set by ${[set.workspace?.name, set.workspaceTags?.name].filter(Boolean).join(' and ')}`;
      backend.workspace = workspace;
    }
    if (set.type) {
      // Switched to cloud from CI: say which variables supply what the environment file does not.
      const v = STATE_BACKEND_ENV_VARS;
      if (backend.organization === undefined) notes['stateBackend.organization'] = `${set.type.name}=cloud needs ${v.organization}`;
      if (backend.workspace === undefined) notes['stateBackend.workspace'] = `${set.type.name}=cloud needs ${v.workspace} or ${v.workspaceTags}`;
    }
  }
  return { raw: { ...raw, stateBackend: backend }, notes };
}
