/** The `stateBackend` section: where Terraform keeps an environment's state. */
import { z } from 'zod';
import { STATE_LOCKING_MODES } from '../../stacks/state-backend';
import { hostname } from './common';

/** Where Terraform keeps an environment's state. */
export const STATE_BACKEND_TYPES = ['s3', 'cloud'] as const;
export type StateBackendType = (typeof STATE_BACKEND_TYPES)[number];

/** How Terraform locks the S3 state (declared by the stack that uses it). */
export { STATE_LOCKING_MODES, type StateLockingMode } from '../../stacks/state-backend';

const s3StateBackendSchema = z
  .object({
    type: z.literal('s3').describe('The shared S3 state bucket (names in stacks/state-backend.ts), key <environment>/terraform.tfstate.'),
    locking: z
      .enum(STATE_LOCKING_MODES, { message: `must be one of ${STATE_LOCKING_MODES.join(', ')}` })
      .describe('Lock with the DynamoDB table (dynamodb), S3-native lock files (lockfile, Terraform >= 1.10), or both during a migration.'),
  })
  .strict()
  .describe('State in the shared S3 bucket.');

/** Terraform Cloud / HCP Terraform names: letters, digits, `-` and `_`. */
const tfcName = (what: string, max: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9_-]{1,${max}}$`), { message: `must be a ${what}: 1-${max} letters, digits, - or _` });

const cloudWorkspaceSchema = z
  .object({
    name: tfcName('Terraform Cloud workspace name', 90).optional().describe('One workspace, by name (1-90 letters, digits, - or _). Set name or tags.'),
    tags: z
      .array(z.string().regex(/^[a-z0-9_-][a-z0-9:_-]{0,254}$/, { message: 'must be a workspace tag: lower-case letters, digits, :, - and _, not starting with :' }))
      .min(1, { message: 'must list at least one tag' })
      .optional()
      .describe('Every workspace carrying all these tags (terraform workspace select or TF_WORKSPACE picks one). Set name or tags.'),
  })
  .strict()
  .superRefine((w, ctx) => {
    if ((w.name === undefined) === (w.tags === undefined)) {
      ctx.addIssue({ code: 'custom', input: w, message: 'must set exactly one of name (one named workspace) or tags (workspaces selected by tags)' });
    }
  })
  .describe('The workspace: { name } or { tags }.');

const cloudStateBackendSchema = z
  .object({
    type: z.literal('cloud').describe('Terraform Cloud (HCP Terraform) or Terraform Enterprise, through the cloud block.'),
    organization: tfcName('Terraform Cloud organization name', 40).describe('The organization that owns the workspace(s), 1-40 letters, digits, - or _.'),
    hostname: hostname.optional().describe('Terraform Enterprise host name. Default: app.terraform.io (the block omits it).'),
    project: z
      .string()
      .min(1, { message: 'must not be empty' })
      .max(40, { message: 'must be at most 40 characters' })
      .optional()
      .describe("Project of the workspace(s), 1-40 characters. Default: the organization's default project."),
    workspace: cloudWorkspaceSchema,
  })
  .strict()
  .describe('State in Terraform Cloud or Terraform Enterprise.');

export const stateBackendSchema = z
  .discriminatedUnion('type', [s3StateBackendSchema, cloudStateBackendSchema])
  .describe('Where the state lives: the shared S3 bucket or Terraform Cloud; overridable from CI (environments/overrides.ts).');

/** The `stateBackend` section, as stacks/state-backend.ts builds the backend from it. */
export type StateBackendSettings = z.output<typeof stateBackendSchema>;
/** Terraform Cloud state backend settings. */
export type CloudStateBackendSettings = Extract<StateBackendSettings, { type: 'cloud' }>;
/** S3 state backend settings. */
export type S3StateBackendSettings = Extract<StateBackendSettings, { type: 's3' }>;
