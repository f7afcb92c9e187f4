/**
 * Types of the security and data-protection policy: the synthesized resources the
 * rules read, the rules themselves, and the results they produce.
 */
import type { PolicyRuleId } from './rule-ids';

/** How bad a failing rule is: an error fails synth, a warning is reported. */
export type PolicyLevel = 'error' | 'warning';

/** One resource or data source as synthesized: its type, address and resolved attributes. */
export interface SynthResource {
  /** Terraform address, e.g. `aws_db_instance.rds_main` or `data.aws_iam_policy_document.x`. */
  readonly address: string;
  /** Resource type without `data.`, e.g. `aws_db_instance`. */
  readonly type: string;
  /** Whether it is a managed resource or a data source. */
  readonly mode: 'managed' | 'data';
  /** Attributes as written to cdk.tf.json: references appear as `${...}` strings. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** Everything a rule may look at besides the resource it checks. */
export interface StackView {
  /** Every resource and data source of the stack. */
  readonly resources: readonly SynthResource[];
  /** Resources of one type (managed only, unless the type starts with `data.`). */
  ofType(...types: string[]): SynthResource[];
  /** Whether the environment is production-like (strict). */
  readonly productionLike: boolean;
}

/** One policy rule. */
export interface PolicyRule {
  /** Stable id, used in reports and exceptions. */
  readonly id: PolicyRuleId;
  /** The matching checkov check(s), when there is one. */
  readonly checkov?: string;
  /** What the rule requires, in a few words. */
  readonly title: string;
  /** Level of a failure outside production-like environments (there, every failure is an error). */
  readonly outsideProduction: PolicyLevel;
  /** What the report says when no resource of the stack is subject to the rule. */
  readonly whenNoneApply?: string;
  /** Whether the rule applies to this resource. */
  appliesTo(resource: SynthResource, stack: StackView): boolean;
  /** What is wrong with the resource; an empty list means it passes. */
  check(resource: SynthResource, stack: StackView): string[];
}

/** A deliberate exception: one rule does not apply to one resource, for a reason. */
export interface PolicyException {
  /** The rule id. */
  readonly rule: PolicyRuleId;
  /** The resource's Terraform address. */
  readonly resource: string;
  /** Why the exception is justified. */
  readonly reason: string;
  /** Where it was recorded: the environment config, or next to the construct. */
  readonly source: 'config' | 'construct';
}

/** The outcome of one rule on one resource (or one row about an exception). */
export type PolicyStatus = 'pass' | 'fail' | 'excepted' | 'n/a' | 'unused exception';

export interface PolicyResult {
  readonly rule: PolicyRuleId;
  readonly checkov?: string;
  /** Terraform address, or `-` for a rule that applies to nothing in the stack. */
  readonly resource: string;
  readonly status: PolicyStatus;
  /** For `fail` and `unused exception`: whether it is an error or a warning. */
  readonly level?: PolicyLevel;
  /** What failed (for `fail` and `excepted`), or a note. */
  readonly detail?: string;
  /** For `excepted`: the recorded reason and where it was recorded. */
  readonly exception?: { readonly reason: string; readonly source: 'config' | 'construct' };
}

/** The policy outcome of one stack. */
export interface PolicyReport {
  /** Stack (environment) name. */
  readonly stack: string;
  readonly productionLike: boolean;
  /** One row per rule and resource it applies to, then unused exceptions. */
  readonly results: readonly PolicyResult[];
  /** Failing rows at error level: any of these fails synth. */
  readonly errors: readonly PolicyResult[];
  /** Failing rows at warning level, and unused exceptions. */
  readonly warnings: readonly PolicyResult[];
  /** Rows covered by a recorded exception. */
  readonly excepted: readonly PolicyResult[];
}
