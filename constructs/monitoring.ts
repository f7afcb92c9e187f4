/**
 * Monitoring: the alarm topic every alarm notifies (encrypted with a customer-managed
 * KMS key that CloudWatch may use), its subscriptions, and the platform dashboard.
 * Not a legacy module: the legacy alarms notified nobody (D22 [alarms notifying nobody]) and the legacy
 * dashboard was never deployed.
 */
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { Construct } from 'constructs';
import { pin } from '../lib/addresses';
import { layoutWidgets, UnplacedWidget } from '../lib/dashboard';
import type { MonitoringSettings } from '../environments/schema/monitoring';
import { PlatformConstruct, type SharedProps } from './base';

/** What the monitoring needs besides its settings. */
export interface MonitoringRefs {
  /** Region; used for the dashboard URL. */
  readonly region: string;
  /** The AWS account id (a literal or a token), for the KMS key policy's administrator statement. */
  readonly accountId: string;
  /**
   * The webhook's URL, given exactly when `webhook` is true: a reference to the sensitive Terraform
   * variable `alarm_webhook_url`, never a literal (it usually carries a token).
   */
  readonly webhookUrl?: string;
}

export class Monitoring extends PlatformConstruct {
  /** ARN of the alarm topic: use it as `alarm_actions` and `ok_actions` of every alarm. */
  public readonly alarmTopicArn: string;
  /** ARN of the KMS key that encrypts the topic. */
  public readonly topicKeyArn: string;
  /** Number of subscriptions created (0 means alarms notify nobody). */
  public readonly subscriptionCount: number;

  /** Region of the dashboard. */
  private readonly region: string;

  constructor(scope: Construct, id: string, shared: SharedProps, settings: MonitoringSettings, refs: MonitoringRefs) {
    super(scope, id, shared, 'monitoring');
    if (settings.webhook !== (refs.webhookUrl !== undefined)) {
      throw new Error(`${this.node.path}: webhook is ${settings.webhook} but a webhook URL was ${refs.webhookUrl === undefined ? 'not ' : ''}given; give the URL exactly when webhook is true`);
    }
    this.region = refs.region;
    const p = this.projectName;
    const names = this.names.monitoring;
    const tags = this.tags;
    const at = this.at;

    // CloudWatch can publish to an encrypted topic only if the key policy lets it use the key;
    // the AWS-managed alias/aws/sns key does not, so alarms would silently fail to notify.
    const key = pin(
      new KmsKey(this, 'alarms-key', {
        description: `Encrypts the ${p} alarm topic`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AccountAdministration',
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${refs.accountId}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Sid: 'CloudWatchAlarmsPublish',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceAccount': refs.accountId } },
            },
          ],
        }),
        tags,
      }),
      at('alarms'),
    );
    pin(new KmsAlias(this, 'alarms-key-alias', { name: names.alarmTopicKeyAlias, targetKeyId: key.keyId }), at('alarms'));

    const topic = pin(new SnsTopic(this, 'alarms-topic', { name: names.alarmTopic, kmsMasterKeyId: key.arn, tags }), at('alarms'));

    const emails = settings.alarmEmails;
    emails.forEach((endpoint, i) =>
      pin(new SnsTopicSubscription(this, `email-${i + 1}`, { topicArn: topic.arn, protocol: 'email', endpoint }), at('email', i)),
    );
    if (refs.webhookUrl !== undefined) {
      pin(
        new SnsTopicSubscription(this, 'webhook', { topicArn: topic.arn, protocol: 'https', endpoint: refs.webhookUrl, endpointAutoConfirms: true }),
        at('webhook'),
      );
    }

    this.alarmTopicArn = topic.arn;
    this.topicKeyArn = key.arn;
    this.subscriptionCount = emails.length + (refs.webhookUrl !== undefined ? 1 : 0);
  }

  /** Creates the platform dashboard `<p>-platform` from typed widgets (two per row); returns its console URL. */
  public addDashboard(widgets: readonly UnplacedWidget[]): string {
    const name = this.names.monitoring.dashboard;
    pin(
      new CloudwatchDashboard(this, 'dashboard', { dashboardName: name, dashboardBody: JSON.stringify({ widgets: layoutWidgets(widgets) }) }),
      this.at('main'),
    );
    return `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${name}`;
  }
}
