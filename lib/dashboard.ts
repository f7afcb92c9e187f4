/**
 * Typed helpers for CloudWatch dashboard bodies: the body is built from the
 * constructs' resources (names, ARN suffixes, identifiers), never hand-written JSON.
 * Shapes follow the CloudWatch "Dashboard Body Structure and Syntax" reference.
 */

/** A CloudWatch statistic, or a percentile such as `p95`. */
export type Statistic = 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount' | `p${number}`;

/** One metric on a graph. */
export interface MetricSpec {
  /** CloudWatch namespace, e.g. `AWS/ECS`. */
  readonly namespace: string;
  /** Metric name, e.g. `CPUUtilization`. */
  readonly metricName: string;
  /** Dimensions, e.g. `{ ClusterName: ..., ServiceName: ... }`; never empty. */
  readonly dimensions: Readonly<Record<string, string>>;
  /** Statistic for this metric. @default the widget's statistic */
  readonly stat?: Statistic;
  /** Legend label. @default CloudWatch's */
  readonly label?: string;
}

/** `[namespace, metricName, dim1, value1, ..., { stat, label }]`, as the dashboard body expects. */
export type MetricArray = [string, string, ...(string | { stat?: string; label?: string })[]];

export interface MetricWidgetProperties {
  readonly title: string;
  readonly region: string;
  readonly view: 'timeSeries' | 'singleValue';
  readonly stacked: boolean;
  readonly period: number;
  readonly stat: Statistic;
  readonly metrics: MetricArray[];
  readonly yAxis?: { left?: { min?: number; max?: number } };
}

export interface AlarmWidgetProperties {
  readonly title: string;
  readonly alarms: string[];
}

interface Placed {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export type Widget =
  | (Placed & { readonly type: 'metric'; readonly properties: MetricWidgetProperties })
  | (Placed & { readonly type: 'alarm'; readonly properties: AlarmWidgetProperties });

/** A widget before layout. */
export type UnplacedWidget = Omit<Extract<Widget, { type: 'metric' }>, keyof Placed> | Omit<Extract<Widget, { type: 'alarm' }>, keyof Placed>;

export interface MetricWidgetOptions {
  /** Widget title. */
  readonly title: string;
  /** Region of the metrics. */
  readonly region: string;
  /** Metrics to plot; each must have dimensions. */
  readonly metrics: readonly MetricSpec[];
  /** Default statistic. @default 'Average' */
  readonly stat?: Statistic;
  /** Period in seconds. @default 300 */
  readonly period?: number;
  /** Left y-axis bounds. @default automatic */
  readonly yAxis?: { min?: number; max?: number };
}

function toMetricArray(m: MetricSpec): MetricArray {
  const dims = Object.entries(m.dimensions);
  if (dims.length === 0) throw new Error(`Dashboard metric ${m.namespace}/${m.metricName} has no dimensions; it would show nothing`);
  const options = { ...(m.stat ? { stat: m.stat } : {}), ...(m.label ? { label: m.label } : {}) };
  return [m.namespace, m.metricName, ...dims.flat(), ...(Object.keys(options).length > 0 ? [options] : [])];
}

/** A time-series graph of metrics. */
export function metricWidget(options: MetricWidgetOptions): UnplacedWidget {
  return {
    type: 'metric',
    properties: {
      title: options.title,
      region: options.region,
      view: 'timeSeries',
      stacked: false,
      period: options.period ?? 300,
      stat: options.stat ?? 'Average',
      metrics: options.metrics.map(toMetricArray),
      ...(options.yAxis ? { yAxis: { left: options.yAxis } } : {}),
    },
  };
}

/** An alarm-status widget for the given alarm ARNs. */
export function alarmStatusWidget(title: string, alarmArns: readonly string[]): UnplacedWidget {
  if (alarmArns.length === 0) throw new Error(`Alarm widget "${title}" has no alarms`);
  return { type: 'alarm', properties: { title, alarms: [...alarmArns] } };
}

/**
 * Places widgets on the 24-column dashboard grid, `columns` per row, in order.
 * Alarm widgets take a full row.
 */
export function layoutWidgets(widgets: readonly UnplacedWidget[], columns = 2, height = 6): Widget[] {
  const width = Math.floor(24 / columns);
  const placed: Widget[] = [];
  let x = 0;
  let y = 0;
  for (const w of widgets) {
    const full = w.type === 'alarm';
    if (full && x > 0) {
      x = 0;
      y += height;
    }
    const wWidth = full ? 24 : width;
    placed.push({ ...w, x, y, width: wWidth, height } as Widget);
    x += wWidth;
    if (x >= 24) {
      x = 0;
      y += height;
    }
  }
  return placed;
}
