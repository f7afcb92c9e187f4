/**
 * HashiCorp's checkpoint lookup (Terraform's and the cdktf CLI's version check and telemetry) is
 * off for every program the npm commands start, whatever the caller's environment: offline it
 * only fails, and the cdktf CLI prints `[ERROR] default - getaddrinfo ENOTFOUND
 * checkpoint-api.hashicorp.com`.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diffStack } from '../../scripts/diff-plan';
import { terraformCliEnv, terraformEnv } from '../../tooling/terraform/offline-plan';
import { tempDir } from '../support/temp';

const saved = process.env.CHECKPOINT_DISABLE;
beforeEach(() => delete process.env.CHECKPOINT_DISABLE);
afterEach(() => {
  if (saved === undefined) delete process.env.CHECKPOINT_DISABLE;
  else process.env.CHECKPOINT_DISABLE = saved;
});

describe('the checkpoint lookup', () => {
  it('is off for Terraform, credentialed or offline, when the caller did not turn it off', () => {
    expect(process.env.CHECKPOINT_DISABLE).toBeUndefined();
    expect(terraformCliEnv().CHECKPOINT_DISABLE).toBe('1');
    expect(terraformEnv().CHECKPOINT_DISABLE).toBe('1');
  });

  it('is off for the cdktf CLI that plan:diff starts', async () => {
    const dir = tempDir('checkpoint-');
    const outDir = path.join(dir, 'cdktf.out');
    mkdirSync(path.join(outDir, 'stacks', 'demo'), { recursive: true });
    writeFileSync(path.join(outDir, 'stacks', 'demo', 'cdk.tf.json'), JSON.stringify({ resource: { terraform_data: { x: {} } } }));
    // A stand-in CLI that reports what it was given and fails, so diffStack hands over its output.
    const cli = path.join(dir, 'cdktf');
    writeFileSync(cli, '#!/bin/sh\necho "CHECKPOINT_DISABLE=$CHECKPOINT_DISABLE"\nexit 1\n');
    chmodSync(cli, 0o755);
    let log = '';
    const result = await diffStack('demo', { outDir, cdktfBin: cli, env: { PATH: process.env.PATH }, failureLog: (output) => (log += output) });
    expect(result.summary.status).toBe('failed');
    expect(log.trim()).toBe('CHECKPOINT_DISABLE=1');
  });
});
