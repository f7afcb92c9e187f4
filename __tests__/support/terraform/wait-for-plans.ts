/**
 * Jest setupFilesAfterEnv of the Terraform project: a test file that reads the global setup's
 * plans first waits until its background plans are done (usually they are: such files run after
 * the unit tests).
 */
import { readFileSync } from 'node:fs';
import { READS_PLANS, waitForPlans } from './plans';

const testPath = expect.getState().testPath;
if (testPath === undefined || READS_PLANS.test(readFileSync(testPath, 'utf8'))) beforeAll(waitForPlans, 15 * 60 * 1000);
