/**
 * The generated reference pages of docs/ (tooling/docs/pages.ts), `help` and the README's command
 * table (scripts/help.ts), all written by `npm run docs`, are committed as their generators write
 * them now, and the generators say what they claim: every setting of the schema with its bounds
 * and description, every policy rule, every stack output.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { jsonSchemaOf, renderEnvironmentSettingsPage, sections, settingRows } from '../../tooling/docs/environment-settings';
import { outputRows } from '../../tooling/docs/outputs';
import { renderPolicyRulesPage, RULE_NOTES } from '../../tooling/docs/policy-rules';
import { POLICY_RULE_IDS } from '../../lib/policy/rule-ids';
import { PROJECT_ROOT } from '../../lib/project-root';
import { ALL_GENERATED_PAGES } from '../../scripts/docs';
import { RECORDED_ENVIRONMENTS, recordedStacks } from '../support/helpers';

// The pages as recorded: for the environments with a golden copy (an environment just added is
// documented when `npm run test:record` records it; docs/testing.md, "A new environment").
const stacks = recordedStacks();

describe.each(ALL_GENERATED_PAGES.map((p) => [p.file, p] as const))('%s', (file, page) => {
  it('is up to date (regenerate it with npm run test:record, or npm run docs once every environment is recorded)', () => {
    expect(readFileSync(path.join(PROJECT_ROOT, file), 'utf8')).toBe(page.render(stacks));
  });
});

describe('environment settings from the zod schema', () => {
  const sample = z
    .object({
      name: z.string().regex(/^[a-z]+$/).describe('The environment name'),
      size: z.number().int().min(1).max(10).describe('How many'),
      mode: z.enum(['a', 'b']).describe('The mode').optional(),
      days: z.number().int().min(1).meta({ id: 'days', description: 'Shared days' }),
      tags: z.array(z.string()).min(1).default(['x']),
      backend: z.discriminatedUnion('type', [
        z.object({ type: z.literal('s3'), locking: z.enum(['dynamodb', 'lockfile']) }).strict(),
        z.object({ type: z.literal('cloud'), organization: z.string().describe('The organization') }).strict(),
      ]),
      nested: z.object({ ratio: z.number().gt(0).describe('Above zero') }).strict(),
      exceptions: z.array(z.object({ rule: z.string(), reason: z.string().min(20) }).strict()),
    })
    .strict();

  it('gives each setting its path, type, bounds, default and description', () => {
    const rows = settingRows(jsonSchemaOf(sample));
    expect(rows.map((r) => [r.path, r.type, r.required, r.allowed, r.defaultValue, r.description])).toEqual([
      ['name', 'string', true, 'matches `^[a-z]+$`', undefined, 'The environment name'],
      ['size', 'integer', true, '1 to 10', undefined, 'How many'],
      ['mode', 'string', false, 'one of `"a"`, `"b"`', undefined, 'The mode'],
      ['days', 'integer', true, 'at least 1', undefined, 'Shared days'],
      ['tags', 'list of string', false, 'at least 1 item', '`["x"]`', undefined],
      ['backend', 'object', true, '', undefined, undefined],
      ['backend.type', 'string', true, 'one of `"s3"`, `"cloud"`', undefined, undefined],
      ['backend.locking', 'string', true, 'one of `"dynamodb"`, `"lockfile"`', undefined, '(when type = "s3")'],
      ['backend.organization', 'string', true, '', undefined, '(when type = "cloud") The organization'],
      ['nested', 'object', true, '', undefined, undefined],
      ['nested.ratio', 'number', true, 'greater than 0', undefined, 'Above zero'],
      ['exceptions', 'list of object', true, '', undefined, undefined],
      ['exceptions[].rule', 'string', true, '', undefined, undefined],
      ['exceptions[].reason', 'string', true, 'at least 20 characters', undefined, undefined],
    ]);
  });

  it('lists the settings of the shipped schema, sections and leaves, with their bounds', () => {
    const page = renderEnvironmentSettingsPage();
    for (const line of [
      '| `database.alarms.freeableMemoryBytes` |',
      '| `ecs.alarms.cpuPercent` |',
      '| `network.natGateways` | string | one of `"none"`, `"single"`, `"one-per-az"` |',
      '| `stateBackend.locking` | string | one of `"dynamodb"`, `"lockfile"`, `"both"` |  | (when type = "s3") Lock with the DynamoDB table',
      '| `policyExceptions[].reason` | string | at least 20 characters |',
      '| `noncurrentVersionExpirationDays` |',
    ]) expect(page).toContain(line);
    expect(page).not.toContain('9007199254740991');
    const headings = [...page.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    expect(headings[0]).toBe('Top level');
    expect(headings).toEqual(expect.arrayContaining(['`stateBackend`', '`network`', '`database`', '`cache`', '`loadBalancer`', '`ecs`', '`monitoring`']));
  });

  it('groups the rows by section, top-level settings first', () => {
    const grouped = sections(settingRows(jsonSchemaOf(sample))).map(([section, rows]) => [section, rows.map((r) => r.path)]);
    expect(grouped).toEqual([
      ['', ['name', 'size', 'mode', 'days', 'tags', 'exceptions', 'exceptions[].rule', 'exceptions[].reason']],
      ['backend', ['backend', 'backend.type', 'backend.locking', 'backend.organization']],
      ['nested', ['nested', 'nested.ratio']],
    ]);
  });
});

describe('policy rules page', () => {
  it('has one row per rule id, in the order of rule-ids.ts', () => {
    const ids = [...renderPolicyRulesPage().matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(ids).toEqual([...POLICY_RULE_IDS]);
  });

  it('notes only rules that exist', () => {
    expect(Object.keys(RULE_NOTES).filter((id) => !(POLICY_RULE_IDS as readonly string[]).includes(id))).toEqual([]);
  });
});

describe('outputs page', () => {
  it('lists every output of every stack once per stack, none sensitive', () => {
    const rows = outputRows(stacks);
    for (const [stack, json] of stacks) {
      expect(rows.filter((r) => r.stacks.includes(stack)).map((r) => r.name).sort()).toEqual(Object.keys(json.output ?? {}).sort());
    }
    expect(rows.filter((r) => r.sensitive)).toEqual([]);
    expect(rows.find((r) => r.name === 'vpc_id')).toEqual({ name: 'vpc_id', description: 'VPC id', sensitive: false, value: '${aws_vpc.vpc_main.id}', stacks: [...RECORDED_ENVIRONMENTS] });
  });
});
