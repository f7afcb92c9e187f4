/**
 * The cdktf app: one stack per environment in environments/index.ts, and the bootstrap
 * stack (state bucket and lock table, environments/bootstrap.ts). Loads and checks the
 * settings (environments/load.ts), then builds and synthesizes the stacks (stacks/app.ts).
 * `cdktf synth` runs the compiled form of this file (see cdktf.json).
 */
import { loadSettings } from './environments/load';
import { runSynth } from './stacks/app';

process.exitCode = runSynth(() => loadSettings());
