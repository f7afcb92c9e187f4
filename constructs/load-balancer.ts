/**
 * The legacy `alb` module: one internet-facing Application Load Balancer with a
 * backend and a frontend IP target group, its listeners and listener rules, and
 * three CloudWatch alarms.
 *
 * Routing (D9 [staging frontend target group unattached], D10 [redirect to a missing HTTPS listener] fixed):
 *  - with a certificate: HTTP:80 redirects (301) to HTTPS:443; the HTTPS listener
 *    forwards to the frontend by default and the backend host name to the backend;
 *  - without one: the HTTP listener forwards to the frontend by default and the API
 *    paths to the backend. Nothing redirects to a port without a listener, and
 *    both target groups are always attached to the load balancer.
 */
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener, LbListenerDefaultAction } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { pin } from '../lib/addresses';
import { alarmFactory } from '../lib/alarms';
import { NAME_RULES, nameProblem, type NameRule } from '../lib/names';
import type { ApplicationSettings } from '../environments/schema/application';
import type { LoadBalancerSettings } from '../environments/schema/load-balancer';
import { PlatformConstruct, type SharedProps } from './base';
import { PLATFORM_PORTS } from './security';

/** TLS policy of the HTTPS listener (legacy value). */
export const HTTPS_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** Paths the HTTP listener sends to the backend when there is no HTTPS (legacy `backend_http` rule). */
export const BACKEND_PATH_PATTERNS: readonly string[] = ['/api/*', '/docs', '/redoc', '/openapi.json'];

/** Health-check paths of the two target groups (legacy values). */
export const HEALTH_CHECK_PATHS = { backend: '/api/v1/utils/health-check/', frontend: '/' } as const;

/** What the load balancer connects to. */
export interface LoadBalancerRefs {
  /** VPC of the target groups. */
  readonly vpcId: string;
  /** Public subnets the load balancer is placed in, one per availability zone. */
  readonly subnetIds: readonly string[];
  /** Security groups of the load balancer (the `security` construct's ALB group). */
  readonly securityGroupIds: readonly string[];
  /** The `application` section's host name that routes to the backend on the HTTPS listener. */
  readonly application: Pick<ApplicationSettings, 'backendDomain'>;
  /** ACM certificate ARN of the HTTPS listener (the `certificate_arn` variable); required when `https` is on, refused otherwise. */
  readonly certificateArn?: string;
  /** The topic every alarm notifies on ALARM and OK. */
  readonly alarmTopicArn: string;
}

export class LoadBalancer extends PlatformConstruct {
  /** Load balancer ARN. */
  public readonly albArn: string;
  /** Load balancer id. */
  public readonly albId: string;
  /** Public DNS name of the load balancer. */
  public readonly albDnsName: string;
  /** Route 53 hosted zone id of the load balancer (for alias records). */
  public readonly albZoneId: string;
  /** ARN suffix used as the `LoadBalancer` CloudWatch dimension. */
  public readonly albArnSuffix: string;
  /** Backend (API, port 8000) target group ARN. */
  public readonly backendTargetGroupArn: string;
  /** Frontend (port 80) target group ARN. */
  public readonly frontendTargetGroupArn: string;
  /** ARN suffix of the backend target group (the `TargetGroup` metric dimension). */
  public readonly backendTargetGroupArnSuffix: string;
  /** ARN suffix of the frontend target group (the `TargetGroup` metric dimension). */
  public readonly frontendTargetGroupArnSuffix: string;
  /** HTTP listener ARN (port 80). */
  public readonly httpListenerArn: string;
  /** HTTPS listener ARN (port 443), when a certificate was given. */
  public readonly httpsListenerArn?: string;
  /** Whether the load balancer serves HTTPS. */
  public readonly https: boolean;
  /**
   * The resource that attaches the backend target group to the load balancer (the
   * listener rule); the backend ECS service must depend on it (D11 [service created before its listener rule]).
   */
  public readonly backendRouting: ITerraformDependable;
  /**
   * The resource that attaches the frontend target group to the load balancer (the
   * listener whose default action forwards to it); the frontend ECS service must depend on it (D11).
   */
  public readonly frontendRouting: ITerraformDependable;
  /**
   * The base URL under which browsers reach the API in this environment:
   * `https://<backendDomain>` with HTTPS, otherwise `http://<load balancer DNS name>`
   * (the API paths are routed by path there, not by host).
   */
  public readonly apiBaseUrl: string;

  constructor(scope: Construct, id: string, shared: SharedProps, settings: LoadBalancerSettings, refs: LoadBalancerRefs) {
    super(scope, id, shared, 'alb');
    const tags = this.tags;
    const at = this.at;
    const names = this.names.alb;
    const { certificateArn } = refs;
    if (settings.https !== (certificateArn !== undefined)) {
      throw new Error(
        `${this.node.path}: ${settings.https ? 'https is on but no certificateArn was given' : 'a certificateArn was given but https is off'}; pass the certificate_arn variable exactly when https is true`,
      );
    }
    // The schema checks every name of an environment; this guards the construct used on its own.
    const named = (name: string, rule: NameRule) => {
      const problem = nameProblem(name, rule);
      if (problem) throw new Error(`${this.node.path}: the ${rule.what} "${name}" ${problem}. Use a shorter projectName.`);
      return name;
    };

    const alb = pin(
      new Lb(this, 'alb', {
        name: named(names.loadBalancer, NAME_RULES.loadBalancer),
        loadBalancerType: 'application',
        internal: false,
        securityGroups: [...refs.securityGroupIds],
        subnets: [...refs.subnetIds],
        enableDeletionProtection: settings.deletionProtection,
        enableHttp2: true,
        // D23 [ignored arguments, hard-coded family]: enable_cross_zone_load_balancing is not set; it is always on for an ALB.
        // Drop headers with invalid names instead of passing them to the targets: not set by the
        // legacy module, a hardening recommended by AWS Security Hub (ELB.4).
        dropInvalidHeaderFields: true,
        tags: { ...tags, Name: names.loadBalancer },
      }),
      at('main'),
    );

    const targetGroupNames = { backend: names.backendTargetGroup, frontend: names.frontendTargetGroup };
    const targetGroup = (name: 'backend' | 'frontend') => {
      const tgName = named(targetGroupNames[name], NAME_RULES.targetGroup);
      return pin(
        new LbTargetGroup(this, `${name}-tg`, {
          name: tgName,
          port: PLATFORM_PORTS[name],
          protocol: 'HTTP',
          vpcId: refs.vpcId,
          targetType: 'ip',
          deregistrationDelay: '30',
          healthCheck: {
            enabled: true,
            path: HEALTH_CHECK_PATHS[name],
            protocol: 'HTTP',
            matcher: '200',
            interval: 30,
            timeout: 5,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
          },
          tags: { ...tags, Name: tgName },
        }),
        at(name),
      );
    };
    const backend = targetGroup('backend');
    const frontend = targetGroup('frontend');
    const forwardTo = (tg: LbTargetGroup): LbListenerDefaultAction => ({ type: 'forward', targetGroupArn: tg.arn });

    this.https = settings.https;
    const http = pin(
      new LbListener(this, 'http', {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: 'HTTP',
        // D9/D10: redirect only when the HTTPS listener exists; otherwise serve the frontend.
        defaultAction: [
          this.https
            ? { type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_301' } }
            : forwardTo(frontend),
        ],
      }),
      at('http'),
    );

    if (certificateArn !== undefined) {
      const https = pin(
        new LbListener(this, 'https', {
          loadBalancerArn: alb.arn,
          port: 443,
          protocol: 'HTTPS',
          sslPolicy: HTTPS_SSL_POLICY,
          certificateArn,
          defaultAction: [forwardTo(frontend)],
        }),
        at('https'),
        'counted-once',
      );
      this.backendRouting = pin(
        new LbListenerRule(this, 'backend-https', {
          listenerArn: https.arn,
          priority: 100,
          condition: [{ hostHeader: { values: [refs.application.backendDomain] } }],
          action: [forwardTo(backend)],
        }),
        at('backend_https'),
        'counted-once',
      );
      this.frontendRouting = https;
      this.httpsListenerArn = https.arn;
      this.apiBaseUrl = `https://${refs.application.backendDomain}`;
    } else {
      this.backendRouting = pin(
        new LbListenerRule(this, 'backend-http', {
          listenerArn: http.arn,
          priority: 100,
          condition: [{ pathPattern: { values: [...BACKEND_PATH_PATTERNS] } }],
          action: [forwardTo(backend)],
        }),
        at('backend_http'),
        'counted-once',
      );
      this.frontendRouting = http;
      this.apiBaseUrl = `http://${alb.dnsName}`;
    }

    const alarm = alarmFactory(this, at, {
      namespace: 'AWS/ApplicationELB',
      dimensions: { LoadBalancer: alb.arnSuffix },
      alarmActions: [refs.alarmTopicArn],
      period: 60,
      tags,
    });
    const over = { comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 2 } as const;
    alarm('target_response_time', {
      ...over,
      alarmName: names.responseTimeAlarm,
      metricName: 'TargetResponseTime',
      statistic: 'Average',
      threshold: settings.alarms.responseTimeSeconds,
      alarmDescription: 'This metric monitors ALB target response time',
    });
    alarm('unhealthy_target_count', {
      ...over,
      alarmName: names.unhealthyTargetsAlarm,
      metricName: 'UnHealthyHostCount',
      statistic: 'Average',
      threshold: 0,
      alarmDescription: 'This metric monitors ALB unhealthy target count',
      // Legacy: the backend target group only.
      dimensions: { LoadBalancer: alb.arnSuffix, TargetGroup: backend.arnSuffix },
    });
    alarm('http_5xx_count', {
      ...over,
      alarmName: names.http5xxAlarm,
      metricName: 'HTTPCode_Target_5XX_Count',
      statistic: 'Sum',
      threshold: settings.alarms.target5xxCount,
      alarmDescription: 'This metric monitors ALB 5xx errors',
      // No requests, no data points: that is not an error.
      treatMissingData: 'notBreaching',
    });
    alarm('elb_5xx_count', {
      ...over,
      alarmName: names.elb5xxAlarm,
      metricName: 'HTTPCode_ELB_5XX_Count',
      statistic: 'Sum',
      threshold: settings.alarms.elb5xxCount,
      alarmDescription: 'The load balancer itself answers 5xx: no healthy target, or targets refusing connections',
      treatMissingData: 'notBreaching',
    }, 'added');

    this.albArn = alb.arn;
    this.albId = alb.id;
    this.albDnsName = alb.dnsName;
    this.albZoneId = alb.zoneId;
    this.albArnSuffix = alb.arnSuffix;
    this.backendTargetGroupArn = backend.arn;
    this.backendTargetGroupArnSuffix = backend.arnSuffix;
    this.frontendTargetGroupArn = frontend.arn;
    this.frontendTargetGroupArnSuffix = frontend.arnSuffix;
    this.httpListenerArn = http.arn;
  }
}
