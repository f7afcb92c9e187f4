import { alarmStatusWidget, layoutWidgets, metricWidget } from '../../lib/dashboard';

describe('dashboard widget helpers', () => {
  it('renders metrics in the dashboard array form, dimensions as name/value pairs, options last', () => {
    const widget = metricWidget({
      title: 'ALB latency',
      region: 'ap-southeast-2',
      metrics: [
        { namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions: { LoadBalancer: 'app/x/123' }, label: 'average' },
        { namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions: { LoadBalancer: 'app/x/123' }, stat: 'p95' },
      ],
    });
    expect(widget).toEqual({
      type: 'metric',
      properties: {
        title: 'ALB latency',
        region: 'ap-southeast-2',
        view: 'timeSeries',
        stacked: false,
        period: 300,
        stat: 'Average',
        metrics: [
          ['AWS/ApplicationELB', 'TargetResponseTime', 'LoadBalancer', 'app/x/123', { label: 'average' }],
          ['AWS/ApplicationELB', 'TargetResponseTime', 'LoadBalancer', 'app/x/123', { stat: 'p95' }],
        ],
      },
    });
  });

  it('refuses a metric without dimensions (the legacy dashboard defect)', () => {
    expect(() => metricWidget({ title: 't', region: 'r', metrics: [{ namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: {} }] })).toThrow(
      'Dashboard metric AWS/ECS/CPUUtilization has no dimensions; it would show nothing',
    );
  });

  it('refuses an alarm widget without alarms', () => {
    expect(() => alarmStatusWidget('Alarms', [])).toThrow('Alarm widget "Alarms" has no alarms');
  });

  it('lays widgets out two per row, alarm widgets on a full row of their own', () => {
    const m = metricWidget({ title: 'm', region: 'r', metrics: [{ namespace: 'n', metricName: 'x', dimensions: { D: 'v' } }] });
    const placed = layoutWidgets([m, m, m, alarmStatusWidget('a', ['arn:1']), m]);
    expect(placed.map((w) => [w.type, w.x, w.y, w.width, w.height])).toEqual([
      ['metric', 0, 0, 12, 6],
      ['metric', 12, 0, 12, 6],
      ['metric', 0, 6, 12, 6],
      ['alarm', 0, 12, 24, 6],
      ['metric', 0, 18, 12, 6],
    ]);
  });
});
