/**
 * The capacity range of an Application Auto Scaling target: RegisterScalableTarget refuses a
 * MinCapacity above MaxCapacity (Application Auto Scaling API reference). The environment schema
 * (environments/schema/ecs.ts) and the web service construct (constructs/web-service.ts) both judge
 * the range with this one function.
 */

/** What is wrong with the range `minCapacity`..`maxCapacity`, said of minCapacity; undefined when nothing is. */
export function capacityRangeProblem(minCapacity: number, maxCapacity: number): string | undefined {
  return minCapacity > maxCapacity ? `must not exceed maxCapacity (${maxCapacity})` : undefined;
}
