import { buildEdge, IDS, resolveTokens, synthJson } from '../support/edge-fixtures';

type Json = Record<string, any>;

/** Every forward target and redirect of a synthesized stack's listeners and rules. */
function routing(json: Json) {
  const listeners: Json = json.resource.aws_lb_listener ?? {};
  const rules: Json = json.resource.aws_lb_listener_rule ?? {};
  const actions: Json[] = [
    ...Object.entries(listeners).flatMap(([id, l]) => (l.default_action as Json[]).map((a) => ({ from: `aws_lb_listener.${id}`, ...a }))),
    ...Object.entries(rules).flatMap(([id, r]) => (r.action as Json[]).map((a) => ({ from: `aws_lb_listener_rule.${id}`, ...a }))),
  ];
  return {
    listenerPorts: Object.values(listeners).map((l) => String(l.port)),
    forwards: actions.filter((a) => a.type === 'forward').map((a) => [a.from, a.target_group_arn]),
    redirects: actions.filter((a) => a.type === 'redirect').map((a) => [a.from, a.redirect]),
  };
}

const http = buildEdge();
const httpJson = synthJson(http.stack);
// Settings of the shipped environments: staging serves HTTP only, production HTTPS with deletion protection.
const https = buildEdge({ env: 'production' });
const httpsJson = synthJson(https.stack);

describe('alb construct', () => {
  it('creates the legacy load balancer, with invalid headers dropped and no cross-zone argument (D23)', () => {
    const lb = httpJson.resource.aws_lb.alb_main;
    expect(lb).toEqual({
      name: 'test-alb',
      load_balancer_type: 'application',
      internal: false,
      security_groups: [IDS.albSg],
      subnets: IDS.publicSubnets,
      enable_deletion_protection: false,
      enable_http2: true,
      drop_invalid_header_fields: true,
      tags: { Name: 'test-alb' },
    });
    expect(lb).not.toHaveProperty('enable_cross_zone_load_balancing');
    expect(httpsJson.resource.aws_lb.alb_main).toMatchObject({ enable_deletion_protection: true, drop_invalid_header_fields: true });
  });

  it('creates the two IP target groups with the legacy health checks and deregistration delay', () => {
    const groups = httpJson.resource.aws_lb_target_group;
    const common = { protocol: 'HTTP', target_type: 'ip', deregistration_delay: '30', vpc_id: IDS.vpc };
    const check = { enabled: true, protocol: 'HTTP', matcher: '200', interval: 30, timeout: 5, healthy_threshold: 2, unhealthy_threshold: 3 };
    expect(groups.alb_backend).toEqual({
      ...common,
      name: 'test-backend-tg',
      port: 8000,
      health_check: { ...check, path: '/api/v1/utils/health-check/' },
      tags: { Name: 'test-backend-tg' },
    });
    expect(groups.alb_frontend).toEqual({ ...common, name: 'test-frontend-tg', port: 80, health_check: { ...check, path: '/' }, tags: { Name: 'test-frontend-tg' } });
  });

  describe('without a certificate (staging)', () => {
    it('serves the frontend on HTTP by default and the API paths from the backend, with no redirect (D9, D10)', () => {
      expect(Object.keys(httpJson.resource.aws_lb_listener)).toEqual(['alb_http']);
      expect(httpJson.resource.aws_lb_listener.alb_http).toEqual({
        load_balancer_arn: '${aws_lb.alb_main.arn}',
        port: 80,
        protocol: 'HTTP',
        default_action: [{ type: 'forward', target_group_arn: '${aws_lb_target_group.alb_frontend.arn}' }],
      });
      expect(httpJson.resource.aws_lb_listener_rule).toEqual({
        alb_backend_http: {
          listener_arn: '${aws_lb_listener.alb_http.arn}',
          priority: 100,
          condition: [{ path_pattern: { values: ['/api/*', '/docs', '/redoc', '/openapi.json'] } }],
          action: [{ type: 'forward', target_group_arn: '${aws_lb_target_group.alb_backend.arn}' }],
        },
      });
      expect(routing(httpJson)).toEqual({
        listenerPorts: ['80'],
        forwards: [
          ['aws_lb_listener.alb_http', '${aws_lb_target_group.alb_frontend.arn}'],
          ['aws_lb_listener_rule.alb_backend_http', '${aws_lb_target_group.alb_backend.arn}'],
        ],
        redirects: [],
      });
    });

    it('gives the API base URL the scheme and host it really serves: http and the ALB name (D10)', () => {
      expect(resolveTokens(http.stack, [http.alb.apiBaseUrl])).toEqual(['http://${aws_lb.alb_main.dns_name}']);
      expect(http.alb.https).toBe(false);
      expect(http.alb.httpsListenerArn).toBeUndefined();
    });
  });

  describe('with a certificate (production)', () => {
    it('redirects HTTP to the HTTPS listener that exists', () => {
      expect(httpsJson.resource.aws_lb_listener.alb_http.default_action).toEqual([
        { type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', status_code: 'HTTP_301' } },
      ]);
      const { listenerPorts, redirects } = routing(httpsJson);
      for (const [, redirect] of redirects) expect(listenerPorts).toContain(redirect.port);
      expect(redirects).toHaveLength(1);
    });

    it('serves the frontend on HTTPS by default and the API host from the backend', () => {
      expect(httpsJson.resource.aws_lb_listener.alb_https).toEqual({
        load_balancer_arn: '${aws_lb.alb_main.arn}',
        port: 443,
        protocol: 'HTTPS',
        ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        certificate_arn: IDS.certificate,
        default_action: [{ type: 'forward', target_group_arn: '${aws_lb_target_group.alb_frontend.arn}' }],
      });
      expect(httpsJson.resource.aws_lb_listener_rule).toEqual({
        alb_backend_https: {
          listener_arn: '${aws_lb_listener.alb_https.arn}',
          priority: 100,
          condition: [{ host_header: { values: ['api.test.example.com'] } }],
          action: [{ type: 'forward', target_group_arn: '${aws_lb_target_group.alb_backend.arn}' }],
        },
      });
      expect(routing(httpsJson).forwards).toEqual([
        ['aws_lb_listener.alb_https', '${aws_lb_target_group.alb_frontend.arn}'],
        ['aws_lb_listener_rule.alb_backend_https', '${aws_lb_target_group.alb_backend.arn}'],
      ]);
    });

    it('gives the API base URL as https on the backend domain', () => {
      expect(https.alb.apiBaseUrl).toBe('https://api.test.example.com');
      expect(https.alb.https).toBe(true);
      expect(resolveTokens(https.stack, [https.alb.httpsListenerArn])).toEqual(['${aws_lb_listener.alb_https.arn}']);
    });
  });

});

describe('alb construct: alarms', () => {
  it('creates the three legacy alarms (unhealthy hosts on the backend target group) and the load balancer 5xx alarm', () => {
    const alarms = Object.fromEntries(Object.entries(httpJson.resource.aws_cloudwatch_metric_alarm as Json).filter(([id]) => id.startsWith('alb_')));
    const common = { namespace: 'AWS/ApplicationELB', period: 60, evaluation_periods: 2, comparison_operator: 'GreaterThanThreshold', alarm_actions: [IDS.alarmTopic], ok_actions: [IDS.alarmTopic], tags: {} };
    expect(alarms).toEqual({
      alb_target_response_time: {
        ...common,
        alarm_name: 'test-alb-target-response-time',
        metric_name: 'TargetResponseTime',
        statistic: 'Average',
        threshold: 2,
        dimensions: { LoadBalancer: '${aws_lb.alb_main.arn_suffix}' },
        alarm_description: 'This metric monitors ALB target response time',
      },
      alb_unhealthy_target_count: {
        ...common,
        alarm_name: 'test-alb-unhealthy-targets',
        metric_name: 'UnHealthyHostCount',
        statistic: 'Average',
        threshold: 0,
        dimensions: { LoadBalancer: '${aws_lb.alb_main.arn_suffix}', TargetGroup: '${aws_lb_target_group.alb_backend.arn_suffix}' },
        alarm_description: 'This metric monitors ALB unhealthy target count',
      },
      alb_http_5xx_count: {
        ...common,
        alarm_name: 'test-alb-5xx-errors',
        metric_name: 'HTTPCode_Target_5XX_Count',
        statistic: 'Sum',
        threshold: 10,
        dimensions: { LoadBalancer: '${aws_lb.alb_main.arn_suffix}' },
        alarm_description: 'This metric monitors ALB 5xx errors',
        treat_missing_data: 'notBreaching',
      },
      alb_elb_5xx_count: {
        ...common,
        alarm_name: 'test-alb-elb-5xx-errors',
        metric_name: 'HTTPCode_ELB_5XX_Count',
        statistic: 'Sum',
        threshold: 10,
        dimensions: { LoadBalancer: '${aws_lb.alb_main.arn_suffix}' },
        alarm_description: 'The load balancer itself answers 5xx: no healthy target, or targets refusing connections',
        treat_missing_data: 'notBreaching',
      },
    });
  });

  it('takes the alarm thresholds from the loadBalancer section, under its names, and notifies the alarm topic', () => {
    const other = 'arn:aws:sns:ap-southeast-2:123456789012:other-alarms';
    const json = synthJson(
      buildEdge({
        settings: (s) => (s.loadBalancer.alarms = { responseTimeSeconds: 1.5, target5xxCount: 3, elb5xxCount: 4 }),
        alb: { alarmTopicArn: other },
      }).stack,
    );
    const alarms = json.resource.aws_cloudwatch_metric_alarm;
    expect(alarms.alb_target_response_time.threshold).toBe(1.5);
    expect(alarms.alb_http_5xx_count.threshold).toBe(3);
    expect(alarms.alb_elb_5xx_count.threshold).toBe(4);
    const albAlarms = (Object.values(alarms) as Json[]).filter((a) => String(a.alarm_name).startsWith('test-alb-'));
    expect(albAlarms).toHaveLength(4);
    for (const alarm of albAlarms) expect([alarm.alarm_actions, alarm.ok_actions]).toEqual([[other], [other]]);
  });

});

describe('alb construct: refused settings and outputs', () => {
  it('refuses a certificate without https, and https without a certificate', () => {
    expect(() => buildEdge({ alb: { certificateArn: IDS.certificate } })).toThrow(
      'test/alb: a certificateArn was given but https is off; pass the certificate_arn variable exactly when https is true',
    );
    expect(() => buildEdge({ env: 'production', alb: { certificateArn: undefined } })).toThrow(
      'test/alb: https is on but no certificateArn was given; pass the certificate_arn variable exactly when https is true',
    );
  });

  it('refuses a project name that makes a target group name longer than AWS allows', () => {
    expect(() => buildEdge({ projectName: 'ohmycoins-production-x' })).toThrow(
      'test/alb: the target group name "ohmycoins-production-x-backend-tg" is 33 characters; AWS allows at most 32. Use a shorter projectName.',
    );
  });

  it('exposes typed outputs that reference the resources', () => {
    const a = http.alb;
    expect(resolveTokens(http.stack, [a.albArn, a.albId, a.albDnsName, a.albZoneId, a.albArnSuffix, a.backendTargetGroupArn, a.frontendTargetGroupArn, a.httpListenerArn])).toEqual([
      '${aws_lb.alb_main.arn}',
      '${aws_lb.alb_main.id}',
      '${aws_lb.alb_main.dns_name}',
      '${aws_lb.alb_main.zone_id}',
      '${aws_lb.alb_main.arn_suffix}',
      '${aws_lb_target_group.alb_backend.arn}',
      '${aws_lb_target_group.alb_frontend.arn}',
      '${aws_lb_listener.alb_http.arn}',
    ]);
  });
});

