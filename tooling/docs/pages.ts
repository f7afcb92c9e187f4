/**
 * The generated reference pages of docs/, each with the function that renders it. `npm run docs`
 * (scripts/docs.ts) writes them all; __tests__/repository/docs-generated.test.ts fails when a committed page
 * differs from what its function renders now.
 */
import type { TfJson } from '../diagram/terraform-json';
import { renderEnvironmentChecksPage } from './environment-checks';
import { renderEnvironmentSettingsPage } from './environment-settings';
import { renderOutputsPage } from './outputs';
import { CI_PAGE, renderCiPage } from './pipeline-access';
import { renderPolicyRulesPage } from './policy-rules';
import { renderResourceCountsPage } from './resource-counts';

export interface GeneratedPage {
  /** Path from the project root. */
  readonly file: string;
  /** The page's content; `stacks` is every synthesized stack of the app, by name. */
  render(stacks: ReadonlyMap<string, TfJson>): string;
}

export const GENERATED_PAGES: readonly GeneratedPage[] = [
  { file: 'docs/environment-checks.md', render: () => renderEnvironmentChecksPage() },
  { file: 'docs/environment-settings.md', render: () => renderEnvironmentSettingsPage() },
  { file: 'docs/policy-rules.md', render: () => renderPolicyRulesPage() },
  { file: 'docs/outputs.md', render: (stacks) => renderOutputsPage(stacks) },
  { file: 'docs/resource-counts.md', render: (stacks) => renderResourceCountsPage(stacks) },
  // A section of a hand-written page: the subject → role → read/write matrix.
  { file: CI_PAGE, render: (stacks) => renderCiPage(stacks) },
];
