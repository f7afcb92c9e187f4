/**
 * Jest setupFilesAfterEnv of the Terraform project: every test file first waits until the global
 * setup's background plans are done (usually they are, as these files run after the unit tests).
 */
import { waitForPlans } from './plans';

beforeAll(waitForPlans, 15 * 60 * 1000);
