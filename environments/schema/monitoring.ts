/** The `monitoring` section (alarm topic, subscriptions, dashboard) and its own check. */
import { z } from 'zod';
import { Ctx, issue, viewOf, ViewOf } from './view';

const monitoringFields = z
  .object({
    notifications: z
      .boolean()
      .describe(
        'Whether alarms notify anyone. true needs at least one subscriber; false is an explicit "nobody is paged" (acceptable for staging only) and must come with no subscribers.',
      ),
    alarmEmails: z
      .array(z.email({ message: 'must be an e-mail address such as oncall@example.com' }))
      .describe('E-mail addresses subscribed to the alarm topic (configuration data, not secrets).'),
    webhook: z
      .boolean()
      .describe(
        'Subscribe an HTTPS webhook (chat or paging tool). Its URL usually carries a token, so it is the sensitive Terraform variable alarm_webhook_url, never config.',
      ),
  })
  .strict();

/** Alarms notify someone exactly when notifications are on. */
function checkSubscribers(m: ViewOf<typeof monitoringFields>, ctx: Ctx): void {
  const subscribers = (m.alarmEmails?.length ?? 0) + (m.webhook === true ? 1 : 0);
  if (m.notifications === true && subscribers === 0) {
    issue(ctx, ['notifications'], true, 'is true but nobody is subscribed: list alarmEmails or set webhook: true (or set notifications: false, staging only)');
  }
  if (m.notifications === false && subscribers > 0) {
    issue(ctx, ['notifications'], false, 'is false but subscribers are configured: set it to true, or remove alarmEmails and webhook');
  }
}

export const monitoringSchema = monitoringFields
  .superRefine(
    (m, ctx) => {
      const view = viewOf(monitoringFields, m);
      if (view) checkSubscribers(view, ctx);
    },
    { when: () => true },
  )
  .describe("Alarm topic, its subscriptions and the dashboard (each resource's alarm thresholds are in its own section).");

/** The `monitoring` section as the Monitoring construct (constructs/monitoring.ts) takes it. */
export type MonitoringSettings = z.output<typeof monitoringSchema>;
