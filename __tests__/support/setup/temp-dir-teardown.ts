/** Jest global teardown: removes the run's temp folder (see temp-dir.ts). */
import { removeTestTempDir } from './temp-dir';

export default removeTestTempDir;
