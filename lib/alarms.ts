/**
 * CloudWatch metric alarms, made one way for every construct: one namespace and
 * dimension set per construct (overridable per alarm), explicit alarm and OK
 * actions (the environment's alarm topic), and `treat_missing_data` where it matters.
 */
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Construct } from 'constructs';
import { type LegacyOrigin, pin } from './addresses';

/** How an alarm treats periods without data points. */
export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';

/** What every alarm of one construct shares. */
export interface AlarmDefaults {
  /** Metric namespace, e.g. `AWS/RDS`. */
  readonly namespace: string;
  /** Metric dimensions. */
  readonly dimensions: Record<string, string>;
  /** Actions on ALARM and on OK (the alarm topic's ARN); `[]` is written explicitly. */
  readonly alarmActions: readonly string[];
  /** Tags of every alarm. */
  readonly tags: Record<string, string>;
  /** Period in seconds. @default 300 */
  readonly period?: number;
}

/** What differs between the alarms of one construct. */
export type AlarmSpec = Required<
  Pick<CloudwatchMetricAlarmConfig, 'alarmName' | 'metricName' | 'statistic' | 'comparisonOperator' | 'threshold' | 'evaluationPeriods' | 'alarmDescription'>
> & {
  /** Overrides the construct's namespace. @default the defaults' namespace */
  readonly namespace?: string;
  /** Overrides the construct's dimensions. @default the defaults' dimensions */
  readonly dimensions?: Record<string, string>;
  /** Overrides the construct's period. @default the defaults' period */
  readonly period?: number;
  /** How periods without data count. @default unset (CloudWatch's `missing`) */
  readonly treatMissingData?: TreatMissingData;
};

/** One alarm over the maximum of a metric across several dimension sets (e.g. every node of a cache). */
export type MaxAcrossAlarmSpec = Omit<AlarmSpec, 'dimensions'> & {
  /** One dimension set per series; the alarm watches the largest value of any of them. */
  readonly series: readonly Record<string, string>[];
};

/** Returns a function that creates an alarm pinned at `at(name)` (with `origin`, see `pin`), notifying on ALARM and OK. */
export function alarmFactory(
  scope: Construct,
  at: (name: string) => string,
  defaults: AlarmDefaults,
): (name: string, spec: AlarmSpec, origin?: LegacyOrigin) => CloudwatchMetricAlarm {
  return (name, { namespace, dimensions, period, ...spec }, origin) =>
    pin(
      new CloudwatchMetricAlarm(scope, name, {
        namespace: namespace ?? defaults.namespace,
        dimensions: dimensions ?? defaults.dimensions,
        alarmActions: [...defaults.alarmActions],
        okActions: [...defaults.alarmActions],
        period: period ?? defaults.period ?? 300,
        tags: defaults.tags,
        ...spec,
      }),
      at(name),
      origin,
    );
}

/**
 * Like `alarmFactory`, for metrics published per member (ElastiCache publishes per
 * cache cluster, not per replication group): with one series it is a plain alarm;
 * with several, a metric-math alarm on `MAX` of the series, so any member breaching
 * raises it, whichever node is primary.
 */
export function maxAcrossAlarmFactory(
  scope: Construct,
  at: (name: string) => string,
  defaults: Omit<AlarmDefaults, 'dimensions'>,
): (name: string, spec: MaxAcrossAlarmSpec, origin?: LegacyOrigin) => CloudwatchMetricAlarm {
  const plain = (dimensions: Record<string, string>) => alarmFactory(scope, at, { ...defaults, dimensions });
  return (name, { series, namespace, metricName, statistic, period, ...spec }, origin) => {
    if (series.length === 0) throw new Error(`alarm ${name} has no series to watch`);
    if (series.length === 1) return plain(series[0])(name, { ...spec, namespace, metricName, statistic, period }, origin);
    const ns = namespace ?? defaults.namespace;
    const seconds = period ?? defaults.period ?? 300;
    const ids = series.map((_, i) => `m${i + 1}`);
    return pin(
      new CloudwatchMetricAlarm(scope, name, {
        alarmActions: [...defaults.alarmActions],
        okActions: [...defaults.alarmActions],
        tags: defaults.tags,
        ...spec,
        metricQuery: [
          ...series.map((dimensions, i) => ({
            id: ids[i],
            returnData: false,
            metric: { namespace: ns, metricName, dimensions, period: seconds, stat: statistic },
          })),
          { id: 'worst', expression: `MAX([${ids.join(', ')}])`, label: `${metricName} (highest member)`, returnData: true },
        ],
      }),
      at(name),
      origin,
    );
  };
}
