/** One web service (constructs/web-service.ts): a construct of its own, on the shared base. */
import { TerraformStack, Testing } from 'cdktf';
import { WebService, type WebServiceRefs } from '../../constructs/web-service';
import { buildEdge, IDS, synthJson } from '../support/edge-fixtures';
import { environment } from '../support/helpers';

type Json = Record<string, any>;

describe('web service', () => {
  it('is a construct of its own under the ecs construct, its resources under it, their addresses those of the legacy module', () => {
    const { ecs, stack } = buildEdge({ env: 'production' });
    const paths = (svc: WebService) => [svc.node.path, ...[svc.logGroup, svc.taskDefinition, svc.service].map((r) => r.node.path)];
    expect(paths(ecs.backend)).toEqual(['test/ecs/backend', 'test/ecs/backend/logs', 'test/ecs/backend/task-definition', 'test/ecs/backend/service']);
    expect(paths(ecs.frontend)).toEqual(['test/ecs/frontend', 'test/ecs/frontend/logs', 'test/ecs/frontend/task-definition', 'test/ecs/frontend/service']);
    const json = synthJson(stack);
    const addresses = (type: string) => Object.keys(json.resource[type] ?? {}).filter((id) => id.startsWith('ecs_'));
    expect(addresses('aws_ecs_service')).toEqual(['ecs_backend', 'ecs_frontend']);
    expect(addresses('aws_appautoscaling_policy')).toEqual(['ecs_backend_cpu', 'ecs_backend_memory']);
  });

  it('takes its address prefix, tags and names from the shared props it is given', () => {
    const stack = new TerraformStack(Testing.app(), 'bare');
    const ecs = environment('staging').ecs;
    const service = new WebService(
      stack,
      'frontend',
      { projectName: 'other', tags: { Team: 'web' }, addressPrefix: 'web' },
      { ...ecs.frontend, containerInsights: true, executeCommand: false, logRetentionDays: 7, alarms: ecs.alarms },
      bareRefs(),
    );
    const json = JSON.parse(Testing.synth(stack)) as Json;
    expect(json.resource.aws_ecs_service.web_frontend).toMatchObject({ name: 'other-frontend', tags: { Team: 'web' } });
    expect(Object.keys(json.resource.aws_cloudwatch_metric_alarm)).toEqual(['web_frontend_cpu_high', 'web_frontend_memory_high', 'web_frontend_running_tasks_low']);
    expect(service.autoscaled).toBe(false);
  });

  it('refuses autoscaling without the names of its scaling policies, and a minimum above the maximum', () => {
    const ecs = environment('production').ecs;
    const shared = { projectName: 'test', tags: {} };
    const frontend = (autoscaling: typeof ecs.backend.autoscaling) => () =>
      new WebService(new TerraformStack(Testing.app(), 'bare'), 'frontend', shared, { ...ecs.frontend, ...ecs, autoscaling, executeCommand: false }, bareRefs());
    expect(frontend(ecs.backend.autoscaling)).toThrow('bare/frontend: the frontend service is autoscaled but has no scaling policy names');
    expect(frontend({ ...ecs.backend.autoscaling, minCapacity: 4, maxCapacity: 3 })).toThrow('bare/frontend: autoscaling.minCapacity 4 must not exceed maxCapacity (3)');
  });
});

/** References of a web service built on its own, with a minimal container. */
function bareRefs(): WebServiceRefs {
  return {
    container: (logConfiguration) => ({ name: 'frontend', image: 'x:1', essential: true, portMappings: [], environment: [], logConfiguration }),
    region: 'ap-southeast-2',
    cluster: { id: 'cluster-arn', name: 'cluster' },
    subnetIds: IDS.appSubnets,
    securityGroupIds: [IDS.ecsSg],
    executionRoleArn: IDS.executionRole,
    taskRoleArn: IDS.taskRole,
    targetGroupArn: 'tg-arn',
    dependsOn: [],
    alarmTopicArn: IDS.alarmTopic,
  };
}
