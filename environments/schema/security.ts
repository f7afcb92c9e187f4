/** The `security` section (the security groups, the legacy security module). */
import { z } from 'zod';
import { cidr } from './common';

export const securitySchema = z
  .object({
    managementCidrBlocks: z
      .array(cidr)
      .describe('CIDR blocks allowed to reach PostgreSQL directly, e.g. an office or VPN range; the rule is created only when the list is not empty.'),
  })
  .strict()
  .describe('Security groups (legacy security module).');

/** The `security` section as the Security construct (constructs/security.ts) takes it. */
export type SecuritySettings = z.output<typeof securitySchema>;
