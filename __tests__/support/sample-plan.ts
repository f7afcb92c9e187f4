/** A plan for the change-diagram tests, over the configuration of a recorded real plan. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_DIR } from './paths';
import type { PlanConfiguration } from '../../tooling/diagram/changes';
import type { ShowJsonPlan } from '../../scripts/plan-summary';

/** A recorded plan of every priced resource type (its configuration section holds the references). */
const recorded = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'cost', 'plan-all-types.json'), 'utf8')) as { configuration: PlanConfiguration };

export const change = (address: string, actions: string[]) => ({ address, type: address.split('.')[0], mode: 'managed', change: { actions } });

/** The database replaced, its subnet group updated, one new alarm, one destroyed bucket. */
export const samplePlan: ShowJsonPlan = {
  resource_changes: [
    change('aws_db_instance.rds_main', ['delete', 'create']),
    change('aws_db_subnet_group.rds_main', ['update']),
    change('aws_cloudwatch_metric_alarm.rds_cpu_utilization', ['create']),
    change('aws_s3_bucket.retired', ['delete']),
    change('aws_vpc.vpc_main', ['no-op']),
  ],
  configuration: recorded.configuration,
};
