/**
 * CloudWatch metric alarms the way the legacy modules write them: one namespace
 * and dimension set per module, a 300-second period, and explicit alarm actions.
 */
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Construct } from 'constructs';
import { pin } from './addresses';

/** What every alarm of one module shares. */
export interface AlarmDefaults {
  /** Metric namespace, e.g. `AWS/RDS`. */
  readonly namespace: string;
  /** Metric dimensions. */
  readonly dimensions: Record<string, string>;
  /** Actions on ALARM (SNS topic ARNs); `[]` is written explicitly, as in the legacy code. */
  readonly alarmActions: string[];
  /** Tags of every alarm. */
  readonly tags: Record<string, string>;
  /** Period in seconds. @default 300 */
  readonly period?: number;
}

/** What differs between the alarms of one module. */
export type AlarmSpec = Required<
  Pick<CloudwatchMetricAlarmConfig, 'alarmName' | 'metricName' | 'statistic' | 'comparisonOperator' | 'threshold' | 'evaluationPeriods' | 'alarmDescription'>
>;

/** Returns a function that creates an alarm pinned at `at(name)`. */
export function alarmFactory(
  scope: Construct,
  at: (name: string) => string,
  defaults: AlarmDefaults,
): (name: string, spec: AlarmSpec) => CloudwatchMetricAlarm {
  return (name, spec) =>
    pin(
      new CloudwatchMetricAlarm(scope, name, {
        namespace: defaults.namespace,
        dimensions: defaults.dimensions,
        alarmActions: defaults.alarmActions,
        period: defaults.period ?? 300,
        tags: defaults.tags,
        ...spec,
      }),
      at(name),
    );
}
