/**
 * Terraform Cloud as the state backend: the `cloud` block from the environment config, the
 * OMC_* overrides for CI, and their error messages. (terraform validate of a cloud stack is
 * in __tests__/terraform/ci-scripts.test.ts.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENTS } from '../../environments';
import { buildConfiguredApp, loadSettings } from '../../environments/load';
import { applyStateBackendOverrides } from '../../environments/overrides';
import { runSynth } from '../../stacks/app';
import { ENV_NAMES, synthEnvironment, tempDir } from '../support/helpers';

const cloud = (workspace: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'cloud', organization: 'ohmycoins', workspace, ...extra });

/** Synthesizes the app with these variables; returns each stack's `terraform` block. */
function synthTerraformBlocks(env: NodeJS.ProcessEnv): Record<string, Record<string, any>> {
  const outdir = tempDir('cloud-synth-');
  buildConfiguredApp({ outdir, env }).synth();
  return Object.fromEntries(
    ENV_NAMES.map((s) => [s, JSON.parse(readFileSync(path.join(outdir, 'stacks', s, 'cdk.tf.json'), 'utf8')).terraform]),
  );
}

/** The lines of the message with which synth refuses these variables. */
function refusal(env: NodeJS.ProcessEnv): string[] {
  const lines: string[] = [];
  expect(runSynth(() => loadSettings({ env }), { outdir: tempDir('cloud-refused-'), stderr: (l) => lines.push(l) })).toBe(1);
  return lines.join('\n').split('\n').filter((l) => l.startsWith('  - '));
}

describe('Terraform Cloud backend from the environment config', () => {
  it('writes a cloud block with a named workspace instead of the S3 backend', () => {
    const { json } = synthEnvironment('production', (r) => (r.stateBackend = cloud({ name: 'ohmycoins-production' })));
    expect(json.terraform.cloud).toEqual({ organization: 'ohmycoins', workspaces: { name: 'ohmycoins-production' } });
    expect(json.terraform.backend).toBeUndefined();
    expect(json.terraform.required_version).toBe('>= 1.10.0');
  });

  it('selects workspaces by tags, in a project, on a Terraform Enterprise host', () => {
    const { json } = synthEnvironment('staging', (r) => (r.stateBackend = cloud({ tags: ['ohmycoins', 'staging'] }, { hostname: 'tfe.example.com', project: 'platform' })));
    expect(json.terraform.cloud).toEqual({
      organization: 'ohmycoins',
      hostname: 'tfe.example.com',
      workspaces: { tags: ['ohmycoins', 'staging'], project: 'platform' },
    });
  });

  it('never writes a token', () => {
    const { json } = synthEnvironment('staging', (r) => (r.stateBackend = cloud({ name: 'w' })));
    expect(JSON.stringify(json.terraform)).not.toMatch(/token/i);
  });

  it('keeps the shipped environments on S3', () => {
    const blocks = synthTerraformBlocks({});
    expect(blocks.staging.backend.s3.key).toBe('staging/terraform.tfstate');
    expect(blocks.production.backend.s3.key).toBe('production/terraform.tfstate');
    expect(blocks.staging.cloud).toBeUndefined();
  });
});

describe('state backend validation', () => {
  it.each([
    [{ type: 'clod', locking: 'lockfile' }, '  - staging.stateBackend.type = "clod": must be one of "s3", "cloud"'],
    [cloud({ name: 'bad name!' }), '  - staging.stateBackend.workspace.name = "bad name!": must be a Terraform Cloud workspace name: 1-90 letters, digits, - or _'],
    [cloud({ name: 'a', tags: ['b'] }), '  - staging.stateBackend.workspace = {"name":"a","tags":["b"]}: must set exactly one of name (one named workspace) or tags (workspaces selected by tags)'],
    [cloud({}), '  - staging.stateBackend.workspace = {}: must set exactly one of name (one named workspace) or tags (workspaces selected by tags)'],
    [cloud({ tags: [':x'] }), '  - staging.stateBackend.workspace.tags.0 = ":x": must be a workspace tag: lower-case letters, digits, :, - and _, not starting with :'],
    [cloud({ name: 'w' }, { hostname: 'https://app.terraform.io' }), '  - staging.stateBackend.hostname = "https://app.terraform.io": must be a DNS name such as api.example.com'],
    [{ type: 's3', locking: 'lockfile', organization: 'x' }, '  - staging.stateBackend.organization = "x": unknown field; the allowed fields and their documentation are in docs/environment-settings.md'],
  ])('rejects %j naming environment, field, value and what is allowed', (stateBackend, message) => {
    const lines: string[] = [];
    const staging = { ...(ENVIRONMENTS.staging as object), stateBackend };
    expect(runSynth(() => loadSettings({ environments: { staging }, env: {} }), { outdir: tempDir('sb-'), stderr: (l) => lines.push(l) })).toBe(1);
    expect(lines.join('\n').split('\n').filter((l) => l.startsWith('  - '))).toEqual([message]);
  });
});

describe('overrides from environment variables (CI)', () => {
  it('switch every environment to Terraform Cloud, one workspace each through {environment}', () => {
    const blocks = synthTerraformBlocks({ OMC_STATE_BACKEND: 'cloud', OMC_TFC_ORGANIZATION: 'ohmycoins', OMC_TFC_WORKSPACE: 'ohmycoins-{environment}' });
    expect(blocks.staging.cloud).toEqual({ organization: 'ohmycoins', workspaces: { name: 'ohmycoins-staging' } });
    expect(blocks.production.cloud).toEqual({ organization: 'ohmycoins', workspaces: { name: 'ohmycoins-production' } });
    expect(blocks.production.backend).toBeUndefined();
  });

  it('can be scoped to one environment with a suffix, which wins over the general variable', () => {
    const blocks = synthTerraformBlocks({
      OMC_STATE_BACKEND_PRODUCTION: 'cloud',
      OMC_TFC_ORGANIZATION: 'ohmycoins',
      OMC_TFC_HOSTNAME: 'tfe.example.com',
      OMC_TFC_WORKSPACE_TAGS: 'ohmycoins, {environment}',
      OMC_TFC_PROJECT_PRODUCTION: 'prod',
    });
    expect(blocks.staging.backend.s3).toBeDefined();
    expect(blocks.production.cloud).toEqual({ organization: 'ohmycoins', hostname: 'tfe.example.com', workspaces: { tags: ['ohmycoins', 'production'], project: 'prod' } });
  });

  it('adjust a cloud environment without switching it, and switch one back to S3 with lock files', () => {
    const raw = { name: 'staging', stateBackend: cloud({ name: 'from-file' }) };
    expect(applyStateBackendOverrides('staging', raw, { OMC_TFC_WORKSPACE: 'from-ci' })).toEqual({
      raw: { name: 'staging', stateBackend: cloud({ name: 'from-ci' }) },
      notes: { 'stateBackend.workspace.name': 'set by OMC_TFC_WORKSPACE', 'stateBackend.workspace': 'set by OMC_TFC_WORKSPACE' },
    });
    expect(applyStateBackendOverrides('staging', raw, { OMC_STATE_BACKEND_STAGING: 's3' }).raw).toEqual({ name: 'staging', stateBackend: { type: 's3', locking: 'lockfile' } });
  });

  it('leave the config untouched when none is set, and ignore empty values', () => {
    const raw = { name: 'staging', stateBackend: { type: 's3', locking: 'dynamodb' } };
    expect(applyStateBackendOverrides('staging', raw, { OMC_STATE_BACKEND: '', OMC_TFC_WORKSPACE: 'w' })).toEqual({ raw, notes: {} });
  });

  it('name the variable that supplied a bad value', () => {
    expect(refusal({ OMC_STATE_BACKEND: 'terraform-cloud' })).toEqual(
      ENV_NAMES.map((name) => `  - ${name}.stateBackend.type = "terraform-cloud": must be one of "s3", "cloud" (set by OMC_STATE_BACKEND)`),
    );
    expect(refusal({ OMC_STATE_BACKEND_STAGING: 'cloud', OMC_TFC_ORGANIZATION: 'Oh My Coins', OMC_TFC_WORKSPACE: 'w' })).toEqual([
      '  - staging.stateBackend.organization = "Oh My Coins": must be a Terraform Cloud organization name: 1-40 letters, digits, - or _ (set by OMC_TFC_ORGANIZATION)',
    ]);
  });

  it('say which variables a switch to cloud still needs', () => {
    expect(refusal({ OMC_STATE_BACKEND_STAGING: 'cloud' })).toEqual([
      '  - staging.stateBackend.organization = (missing): must be of type string (OMC_STATE_BACKEND_STAGING=cloud needs OMC_TFC_ORGANIZATION)',
      '  - staging.stateBackend.workspace = (missing): must be of type object (OMC_STATE_BACKEND_STAGING=cloud needs OMC_TFC_WORKSPACE or OMC_TFC_WORKSPACE_TAGS)',
    ]);
  });

  it('refuse two environments sharing one workspace', () => {
    // The first environment of the registry takes the workspace; every other one is refused.
    const [first, ...others] = ENV_NAMES;
    expect(refusal({ OMC_STATE_BACKEND: 'cloud', OMC_TFC_ORGANIZATION: 'ohmycoins', OMC_TFC_WORKSPACE: 'ohmycoins' })).toEqual(
      others.map(
        (name) =>
          `  - ${name}.stateBackend.workspace.name = "ohmycoins": must differ from every other environment's workspace: "${first}" already uses app.terraform.io/ohmycoins/ohmycoins (give each environment its own, e.g. OMC_TFC_WORKSPACE=ohmycoins-{environment})`,
      ),
    );
  });
});
