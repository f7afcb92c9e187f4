/** The `policyExceptions` list: deliberate exceptions to the policy rules, and its own check. */
import { z } from 'zod';
import { POLICY_RULE_IDS } from '../../lib/policy/rule-ids';
import { Ctx, issue, ViewOf } from './view';

/** A deliberate exception to a policy rule for one resource, with its reason. */
const policyExceptionSchema = z
  .object({
    rule: z
      .enum(POLICY_RULE_IDS, { message: `must be a policy rule id: ${POLICY_RULE_IDS.join(', ')}` })
      .describe("The rule's id (lib/policy/rule-ids.ts), e.g. rds-multi-az."),
    resource: z
      .string()
      .regex(/^(data\.)?aws_[a-z0-9_]+\.[a-z][a-z0-9_]*$/, {
        message: 'must be a Terraform address in the stack, e.g. aws_db_instance.rds_main',
      })
      .describe("The resource's Terraform address in the stack, e.g. aws_db_instance.rds_main."),
    reason: z
      .string()
      .trim()
      .min(20, { message: 'must explain the exception in at least 20 characters' })
      .describe('Why the exception is justified (at least 20 characters); printed in every policy report.'),
  })
  .strict()
  .describe('A deliberate exception to a policy rule for one resource, with its reason.');

export const policyExceptionsSchema = z
  .array(policyExceptionSchema)
  .default([])
  .describe(
    'Deliberate exceptions to the security and data-protection policy (lib/policy), each for one rule and one resource, with the reason. Exceptions are printed in every report; one that matches no failing check is reported as unused. Default: [].',
  );

/** One exception per rule and resource. */
export function checkPolicyExceptions(exceptions: ViewOf<typeof policyExceptionsSchema> | undefined, ctx: Ctx): void {
  if (!exceptions) return;
  const seen = new Map<string, number>();
  exceptions.forEach((exception, i) => {
    if (exception?.rule === undefined || exception.resource === undefined) return;
    const key = `${exception.rule} ${exception.resource}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issue(ctx, ['policyExceptions', i], exceptions.written[i], `repeats policyExceptions.${first} (rule ${exception.rule} for ${exception.resource}); keep one, with one reason`);
    } else {
      seen.set(key, i);
    }
  });
}
