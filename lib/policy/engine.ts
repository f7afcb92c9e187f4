/**
 * Runs the policy rules on a stack's synthesized resources and applies the recorded
 * exceptions. `enforcePolicy` attaches the check to a stack as a validation, so every
 * synth (cdktf CLI, `npm run synth`, tests, the Terraform test setup) runs it after all
 * aspects; an error-level failure stops synth with a PolicyViolationError.
 */
import { Aspects, TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { isObject } from './inspect';
import type { PolicyException, PolicyLevel, PolicyReport, PolicyResult, PolicyRule, StackView, SynthResource } from './model';
import type { PolicyRuleId } from './rule-ids';
import { POLICY_RULES } from './rules';

const EXCEPTION_METADATA = 'omc:policy-exception';

/** An exception as written in an environment's `policyExceptions`. */
export interface ConfiguredException {
  readonly rule: PolicyRuleId;
  readonly resource: string;
  readonly reason: string;
}

export interface PolicyOptions {
  /** Whether the environment is production-like: every failure is then an error. */
  readonly productionLike: boolean;
  /** Exceptions from the environment config. @default [] */
  readonly exceptions?: readonly ConfiguredException[];
  /** The rules to run. @default POLICY_RULES */
  readonly rules?: readonly PolicyRule[];
}

/**
 * Records, next to the construct that creates `element`, that `rule` deliberately does not
 * hold for it. The exception and its reason appear in every policy report.
 */
export function exceptPolicy(element: TerraformResource | TerraformDataSource, rule: PolicyRuleId, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`${element.node.path}: the exception to ${rule} needs a reason of at least 20 characters`);
  element.node.addMetadata(EXCEPTION_METADATA, { rule, reason });
}

function addressOf(element: IConstruct): string | undefined {
  if (TerraformResource.isTerraformResource(element)) return `${element.terraformResourceType}.${element.friendlyUniqueId}`;
  if (TerraformDataSource.isTerraformDataSource(element)) return `data.${element.terraformResourceType}.${element.friendlyUniqueId}`;
  return undefined;
}

/** Terraform JSON (cdk.tf.json, or any `resource`/`data` document) as the resources the rules read. */
export function resourcesOfJson(json: { resource?: Record<string, Record<string, unknown>>; data?: Record<string, Record<string, unknown>> }): SynthResource[] {
  const collect = (mode: 'managed' | 'data', byType: Record<string, Record<string, unknown>> = {}): SynthResource[] =>
    Object.entries(byType).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, values]) => ({
        address: `${mode === 'data' ? 'data.' : ''}${type}.${name}`,
        type,
        mode,
        values: isObject(values) ? values : {},
      })),
    );
  return [...collect('managed', json.resource), ...collect('data', json.data)];
}

/** The stack's resources as synthesized, and the exceptions recorded next to its constructs. */
export function synthesizedResources(stack: TerraformStack): { resources: SynthResource[]; exceptions: PolicyException[] } {
  const json = stack.toTerraform() as Parameters<typeof resourcesOfJson>[0];
  const exceptions = stack.node.findAll().flatMap((element) => {
    const entries = element.node.metadata.filter((m) => m.type === EXCEPTION_METADATA);
    const resource = entries.length > 0 ? addressOf(element) : undefined;
    return resource ? entries.map((m) => ({ ...(m.data as { rule: PolicyRuleId; reason: string }), resource, source: 'construct' as const })) : [];
  });
  return { resources: resourcesOfJson(json), exceptions };
}

/** Runs the rules on synthesized resources and applies the exceptions. */
export function evaluatePolicy(
  stackName: string,
  resources: readonly SynthResource[],
  constructExceptions: readonly PolicyException[],
  options: PolicyOptions,
): PolicyReport {
  const view: StackView = {
    resources,
    productionLike: options.productionLike,
    ofType: (...types) => resources.filter((r) => types.includes(r.mode === 'data' ? `data.${r.type}` : r.type)),
  };
  const exceptions: PolicyException[] = [
    ...(options.exceptions ?? []).map((e) => ({ ...e, source: 'config' as const })),
    ...constructExceptions,
  ];
  const used = new Set<PolicyException>();
  const results: PolicyResult[] = [];

  for (const rule of options.rules ?? POLICY_RULES) {
    const level: PolicyLevel = options.productionLike ? 'error' : rule.outsideProduction;
    const subjects = resources.filter((r) => rule.appliesTo(r, view));
    if (subjects.length === 0) {
      results.push({ rule: rule.id, checkov: rule.checkov, resource: '-', status: rule.whenNoneApply ? 'pass' : 'n/a', detail: rule.whenNoneApply ?? 'no resource of this kind' });
    }
    for (const resource of subjects) {
      const problems = rule.check(resource, view);
      const base = { rule: rule.id, checkov: rule.checkov, resource: resource.address };
      if (problems.length === 0) {
        results.push({ ...base, status: 'pass' });
        continue;
      }
      const exception = exceptions.find((e) => e.rule === rule.id && e.resource === resource.address);
      if (exception) used.add(exception);
      results.push(
        exception
          ? { ...base, status: 'excepted', detail: problems.join('; '), exception: { reason: exception.reason, source: exception.source } }
          : { ...base, status: 'fail', level, detail: problems.join('; ') },
      );
    }
  }
  for (const exception of exceptions.filter((e) => !used.has(e))) {
    const exists = resources.some((r) => r.address === exception.resource);
    results.push({
      rule: exception.rule,
      checkov: (options.rules ?? POLICY_RULES).find((r) => r.id === exception.rule)?.checkov,
      resource: exception.resource,
      status: 'unused exception',
      level: 'warning',
      detail: exists
        ? 'the resource passes this rule (or the rule does not apply to it); remove the exception'
        : 'the stack has no such resource; fix the address or remove the exception',
      exception: { reason: exception.reason, source: exception.source },
    });
  }
  return {
    stack: stackName,
    productionLike: options.productionLike,
    results,
    errors: results.filter((r) => r.status === 'fail' && r.level === 'error'),
    warnings: results.filter((r) => r.level === 'warning'),
    excepted: results.filter((r) => r.status === 'excepted'),
  };
}

/** The last report of each stack, so the synth-time validation need not repeat runSynth's pre-check. */
const lastReports = new WeakMap<TerraformStack, { options: PolicyOptions; report: PolicyReport }>();

/** Synthesizes the stack's resources in memory and runs the policy on them. */
export function checkStackPolicy(stack: TerraformStack, options: PolicyOptions): PolicyReport {
  const { resources, exceptions } = synthesizedResources(stack);
  const report = evaluatePolicy(stack.node.id, resources, exceptions, options);
  lastReports.set(stack, { options, report });
  return report;
}

/**
 * The stack's report: the one already computed when nothing can have changed the stack since
 * (aspects, which cdktf runs at synth, are the only code that still can), else a fresh one.
 */
function currentReport(stack: TerraformStack, options: PolicyOptions): PolicyReport {
  const known = lastReports.get(stack);
  const hasAspects = stack.node.findAll().some((c) => Aspects.of(c).all.length > 0);
  return known !== undefined && known.options === options && !hasAspects ? known.report : checkStackPolicy(stack, options);
}

const ruleLabel = (r: PolicyResult) => (r.checkov ? `${r.rule} (${r.checkov})` : r.rule);

/** Thrown when one or more stacks break an error-level policy rule; its message lists every such failure. */
export class PolicyViolationError extends Error {
  constructor(readonly reports: readonly PolicyReport[]) {
    super(
      reports
        .filter((report) => report.errors.length > 0)
        .map((report) =>
          [
            `Stack "${report.stack}" breaks ${report.errors.length} error-level polic${report.errors.length === 1 ? 'y rule' : 'y rules'}:`,
            ...report.errors.map((r) => `  - ${ruleLabel(r)} on ${r.resource}: ${r.detail}`),
            `Fix the resource, or record a justified exception: policyExceptions: [{ rule, resource, reason }] in environments/${report.stack}.ts, or exceptPolicy() next to the construct.`,
          ].join('\n'),
        )
        .join('\n\n'),
    );
    this.name = 'PolicyViolationError';
  }
}

/** The warnings of a report, one line each, for synth output. */
export function describeWarnings(report: PolicyReport): string[] {
  return report.warnings.map((r) => `  - ${ruleLabel(r)} on ${r.resource}: ${r.status === 'unused exception' ? 'unused exception: ' : ''}${r.detail}`);
}

/**
 * Checks the stack's policy at every synth, after all aspects have run: an error-level
 * failure throws PolicyViolationError (runSynth prints it without a stack trace).
 */
export function enforcePolicy(stack: TerraformStack, options: PolicyOptions): void {
  stack.node.addValidation({
    validate: () => {
      const report = currentReport(stack, options);
      if (report.errors.length > 0) throw new PolicyViolationError([report]);
      return [];
    },
  });
}
