/** Waits for the plans the global setup started, so no terraform outlives the test run. */
import { PENDING_PLANS } from './plans';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as Record<symbol, unknown>)[PENDING_PLANS];
}
