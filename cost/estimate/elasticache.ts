/** ElastiCache: replication groups and clusters, priced by node hours. */

import type { PlanResource } from './plan';
import { type Ctx, num, priced, str, unpriced } from './lines';
import type { CostLine } from './types';

/** Node hours: node type × node count (num_cache_clusters, or shards × (replicas + 1)). */
function cacheNodes(ctx: Ctx, r: PlanResource, nodes: number | undefined, nodesFrom: string): CostLine[] {
  const engine = str(r.values.engine) ?? 'redis';
  const nodeType = str(r.values.node_type);
  if (!nodeType || nodes === undefined) {
    return [unpriced(r, `Cache nodes (${engine})`, `${!nodeType ? 'node_type' : 'the node count'} is unknown until apply`, 0, 'node-hours')];
  }
  return [
    priced(ctx, r, {
      description: `Cache nodes (${nodes} × ${nodeType}, ${engine})`,
      quantity: nodes * ctx.hours,
      unit: 'node-hours',
      quantityFrom: `planned node_type=${nodeType}, ${nodesFrom}`,
      key: `elasticache.${engine}.${nodeType}.hour`,
    }),
  ];
}

export function replicationGroup(ctx: Ctx, r: PlanResource): CostLine[] {
  const v = r.values;
  const clusters = num(v.num_cache_clusters);
  if (clusters !== undefined) return cacheNodes(ctx, r, clusters, `num_cache_clusters=${clusters}`);
  const shards = num(v.num_node_groups);
  const replicas = num(v.replicas_per_node_group) ?? 0;
  if (shards !== undefined) return cacheNodes(ctx, r, shards * (replicas + 1), `num_node_groups=${shards} × (replicas_per_node_group=${replicas} + 1)`);
  return cacheNodes(ctx, r, undefined, '');
}

export function cacheCluster(ctx: Ctx, r: PlanResource): CostLine[] {
  const nodes = num(r.values.num_cache_nodes);
  return cacheNodes(ctx, r, nodes, `num_cache_nodes=${nodes ?? '?'}`);
}
