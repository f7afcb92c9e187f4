/**
 * The cdktf app: one stack per environment in environments/index.ts, and the bootstrap
 * stack (state bucket and lock table, environments/bootstrap.ts).
 * `cdktf synth` runs the compiled form of this file (see cdktf.json).
 */
import { runSynth } from './stacks/app';

process.exitCode = runSynth();
