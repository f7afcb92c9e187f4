/** The `loadBalancer` section (the Application Load Balancer, the legacy alb module). */
import { z } from 'zod';

export const loadBalancerSchema = z
  .object({
    deletionProtection: z.boolean().describe('ALB deletion protection.'),
    https: z
      .boolean()
      .describe(
        'Whether the environment serves HTTPS. When true the stack declares a required certificate_arn variable, adds the HTTPS listener and redirects HTTP to it.',
      ),
    alarms: z
      .object({
        responseTimeSeconds: z.number().positive().describe('Target response time alarm threshold, seconds (average over 2 one-minute periods; greater than 0).'),
        target5xxCount: z.number().min(0).describe('Alarm threshold for 5xx answered by the targets, count per minute (sum, 2 periods).'),
        elb5xxCount: z.number().min(0).describe('Alarm threshold for 5xx answered by the load balancer itself, count per minute (sum, 2 periods).'),
      })
      .strict()
      .describe('Alarm thresholds of the load balancer.'),
  })
  .strict()
  .describe('Application Load Balancer (legacy alb module).');

/** The `loadBalancer` section as the LoadBalancer construct (constructs/load-balancer.ts) takes it. */
export type LoadBalancerSettings = z.output<typeof loadBalancerSchema>;
