/**
 * The change diagram of the pull-request comment from the real offline plans (every resource
 * created): references from the plan's configuration section, the cap and its note, and the
 * comment within GitHub's size limit.
 */
import { changeDiagramMarkdown } from '../../tooling/diagram/changes';
import { MAX_COMMENT_LENGTH, renderPlanComment, ShowJsonPlan, summarizePlan } from '../../scripts/plan-summary';
import { ENVIRONMENT_STACKS, loadPlan } from '../support/terraform/plans';

const summaries = () => ENVIRONMENT_STACKS.map((stack) => summarizePlan(stack, loadPlan(stack).plan as unknown as ShowJsonPlan));

describe('the change diagram of a real plan', () => {
  it('links each created resource to what it refers to', () => {
    const production = summaries()[1];
    const graph = production.graph!;
    expect(graph.nodes.length).toBe(production.changes.length);
    expect(graph.nodes.every((n) => n.action === 'create')).toBe(true);
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        ['aws_ecs_service.ecs_backend', 'aws_lb_target_group.alb_backend'],
        ['aws_ecs_service.ecs_backend', 'aws_lb_listener_rule.alb_backend_https'],
        ['aws_lb_listener_rule.alb_backend_https', 'aws_lb_listener.alb_https'],
        ['aws_db_instance.rds_main', 'aws_db_subnet_group.rds_main'],
      ]),
    );
  });

  it('is capped with a note, and the comment of every stack stays within the limit with every diagram', () => {
    const all = summaries();
    for (const s of all) expect(changeDiagramMarkdown(s.graph!)).toContain(`… and ${s.changes.length - 30} more changed resources (listed in the table above): not drawn.`);
    const comment = renderPlanComment(all);
    expect(comment.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(comment.match(/```mermaid/g)).toHaveLength(all.length);
  });
});
