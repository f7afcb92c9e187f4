/**
 * Monitoring: the alarm topic every alarm notifies (encrypted with a customer-managed
 * KMS key that CloudWatch may use), its subscriptions, and the platform dashboard.
 * Not a legacy module: the legacy alarms notified nobody (D22) and the legacy
 * dashboard was never deployed.
 */
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { logicalIds, pin } from '../lib/addresses';
import { layoutWidgets, UnplacedWidget } from '../lib/dashboard';
import { resourceNames } from '../lib/names';

export interface MonitoringProps {
  /** Resource-name prefix (the legacy `project_name`). */
  readonly projectName: string;
  /** Region; used for the dashboard URL. */
  readonly region: string;
  /** The AWS account id (a literal or a token), for the KMS key policy's administrator statement. */
  readonly accountId: string;
  /** E-mail addresses subscribed to the alarm topic. @default [] */
  readonly emailSubscribers?: readonly string[];
  /** HTTPS endpoint subscribed to the topic (usually a sensitive Terraform variable, as it carries a token). @default no HTTPS subscription */
  readonly webhookUrl?: string;
  /** Tags for every resource. @default {} */
  readonly tags?: Record<string, string>;
  /** Prefix of the Terraform logical ids. @default 'monitoring' */
  readonly addressPrefix?: string;
}

export class Monitoring extends Construct {
  /** ARN of the alarm topic: use it as `alarm_actions` and `ok_actions` of every alarm. */
  public readonly alarmTopicArn: string;
  /** ARN of the KMS key that encrypts the topic. */
  public readonly topicKeyArn: string;
  /** Number of subscriptions created (0 means alarms notify nobody). */
  public readonly subscriptionCount: number;

  private readonly props: MonitoringProps;
  private readonly at: (name: string, index?: number) => string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.props = props;
    const p = props.projectName;
    const names = resourceNames(p).monitoring;
    const tags = props.tags ?? {};
    this.at = logicalIds(props.addressPrefix ?? 'monitoring');
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
              Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Sid: 'CloudWatchAlarmsPublish',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
            },
          ],
        }),
        tags,
      }),
      at('alarms'),
    );
    pin(new KmsAlias(this, 'alarms-key-alias', { name: names.alarmTopicKeyAlias, targetKeyId: key.keyId }), at('alarms'));

    const topic = pin(new SnsTopic(this, 'alarms-topic', { name: names.alarmTopic, kmsMasterKeyId: key.arn, tags }), at('alarms'));

    const emails = props.emailSubscribers ?? [];
    emails.forEach((endpoint, i) =>
      pin(new SnsTopicSubscription(this, `email-${i + 1}`, { topicArn: topic.arn, protocol: 'email', endpoint }), at('email', i)),
    );
    if (props.webhookUrl !== undefined) {
      pin(
        new SnsTopicSubscription(this, 'webhook', { topicArn: topic.arn, protocol: 'https', endpoint: props.webhookUrl, endpointAutoConfirms: true }),
        at('webhook'),
      );
    }

    this.alarmTopicArn = topic.arn;
    this.topicKeyArn = key.arn;
    this.subscriptionCount = emails.length + (props.webhookUrl !== undefined ? 1 : 0);
  }

  /** Creates the platform dashboard `<p>-platform` from typed widgets (two per row); returns its console URL. */
  public addDashboard(widgets: readonly UnplacedWidget[]): string {
    const name = resourceNames(this.props.projectName).monitoring.dashboard;
    pin(
      new CloudwatchDashboard(this, 'dashboard', { dashboardName: name, dashboardBody: JSON.stringify({ widgets: layoutWidgets(widgets) }) }),
      this.at('main'),
    );
    return `https://${this.props.region}.console.aws.amazon.com/cloudwatch/home?region=${this.props.region}#dashboards:name=${name}`;
  }
}
