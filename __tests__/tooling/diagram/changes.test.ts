/**
 * The change diagram of the pull-request comment: changed resources and their direct
 * neighbours from a plan's configuration, coloured by action, capped with a note, and the
 * comment kept within GitHub's size limit. (That the Mermaid parses: browser.test.ts.)
 */
import { changeDiagramMarkdown, changeGraph, changeMermaid } from '../../../tooling/diagram/changes';
import { MAX_COMMENT_LENGTH, renderPlanComment, summarizePlan } from '../../../scripts/plan-summary';
import { change, samplePlan } from '../../support/sample-plan';

describe('changeGraph', () => {
  const graph = summarizePlan('production', samplePlan).graph!;

  it('holds the changed resources with their action and their direct neighbours as unchanged', () => {
    const action = Object.fromEntries(graph.nodes.map((n) => [n.address, n.action]));
    expect(action).toMatchObject({
      'aws_db_instance.rds_main': 'replace',
      'aws_db_subnet_group.rds_main': 'update',
      'aws_cloudwatch_metric_alarm.rds_cpu_utilization': 'create',
      'aws_s3_bucket.retired': 'delete',
      'aws_subnet.vpc_private_db_1': 'unchanged',
      'aws_iam_role.rds_monitoring': 'unchanged',
    });
    expect(action['aws_vpc.vpc_main']).toBeUndefined();
  });

  it('points from a resource to what it refers to, and only around changed resources', () => {
    expect(graph.edges).toEqual([
      ['aws_db_instance.rds_main', 'aws_db_subnet_group.rds_main'],
      ['aws_db_instance.rds_main', 'aws_iam_role.rds_monitoring'],
      ['aws_db_instance.rds_replica', 'aws_db_instance.rds_main'],
      ['aws_db_subnet_group.rds_main', 'aws_subnet.vpc_private_db_1'],
      ['aws_db_subnet_group.rds_main', 'aws_subnet.vpc_private_db_2'],
    ]);
    const changed = new Set(graph.nodes.filter((n) => n.action !== 'unchanged').map((n) => n.address));
    expect(graph.edges.every(([a, b]) => changed.has(a) || changed.has(b))).toBe(true);
  });

  it('groups instances under their resource, keeping the most severe action', () => {
    const g = changeGraph([
      { address: 'aws_subnet.a[0]', action: 'create' },
      { address: 'aws_subnet.a[1]', action: 'delete' },
      { address: 'module.m.aws_vpc.v["k"]', action: 'update' },
    ]);
    expect(g.nodes).toEqual([
      { address: 'aws_subnet.a', action: 'delete' },
      { address: 'module.m.aws_vpc.v', action: 'update' },
    ]);
  });
});

describe('the comment', () => {
  it('carries a collapsed Mermaid diagram per stack with changes, coloured by action', () => {
    const comment = renderPlanComment([summarizePlan('production', samplePlan), summarizePlan('staging', { resource_changes: [change('aws_vpc.vpc_main', ['no-op'])] })]);
    expect(comment.match(/<details><summary>Diagram: /g)).toHaveLength(1);
    expect(comment).toContain('<details><summary>Diagram: 4 changed resources and their direct neighbours</summary>');
    const mermaid = comment.slice(comment.indexOf('```mermaid'), comment.indexOf('```', comment.indexOf('```mermaid') + 3));
    expect(mermaid).toMatch(/r\d+\["-\/\+ aws_db_instance\.rds_main"\]/);
    expect(mermaid).toMatch(/class (r\d+,?)+ replace/);
    expect(mermaid).toMatch(/class (r\d+,?)+ destroy/);
    expect(mermaid).toMatch(/class (r\d+,?)+ unchanged/);
    expect(mermaid).toContain('classDef create fill:#d3f9d8');
  });

  it('caps a large plan with a note saying how many more', () => {
    const many = Array.from({ length: 70 }, (_, i) => ({ address: `aws_ssm_parameter.p${String(i).padStart(2, '0')}`, action: 'create' as const }));
    const capped = changeMermaid(changeGraph(many));
    expect([capped.omittedChanged, capped.text.split('\n').filter((l) => l.includes('["+ aws_ssm_parameter')).length]).toEqual([40, 30]);
    expect(changeDiagramMarkdown(changeGraph(many))).toContain('… and 40 more changed resources (listed in the table above): not drawn.');
  });

  it('stays within GitHub\'s limit: the diagrams go first when the comment would be too long', () => {
    const longName = 'x'.repeat(900);
    const huge = summarizePlan('production', { resource_changes: Array.from({ length: 80 }, (_, i) => change(`aws_ssm_parameter.${longName}${i}`, ['create'])) });
    const comment = renderPlanComment([huge, { ...huge, stack: 'staging' }], { maxChangesPerStack: 30 });
    expect(comment.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(comment).not.toContain('```mermaid');
    expect(comment.endsWith('(truncated: see the job log)')).toBe(false);
    const fits = renderPlanComment([summarizePlan('production', samplePlan)]);
    expect(fits).toContain('```mermaid');
  });

  it('keeps no value of the plan in the summary', () => {
    const plan = structuredClone(samplePlan) as any;
    plan.configuration.root_module.resources[0].expressions.name = { constant_value: 'SENTINEL-value-1234' };
    expect(JSON.stringify(summarizePlan('production', plan))).not.toContain('SENTINEL');
  });
});
