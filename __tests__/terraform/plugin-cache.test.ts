/**
 * The shared provider cache (PLUGIN_CACHE_DIR) is filled once by the global setup; the working
 * copies' `terraform init` must then only link to it. Terraform's cache is not safe for concurrent
 * use, and a working copy has no lock file, so without TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE
 * every init installed the provider into the cache again, and a plan running beside it once
 * failed with "could not read package directory ... linux_amd64".
 */
import { lstatSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PLUGIN_CACHE_DIR, terraform, terraformEnv } from '../../tooling/terraform/offline-plan';
import { tempDir } from '../support/temp';

const PROVIDER = path.join('registry.terraform.io', 'hashicorp', 'aws', '5.100.0', 'linux_amd64');

describe('terraform init in a working copy', () => {
  it('links the provider from the shared cache without writing the cache again', async () => {
    const cached = path.join(PLUGIN_CACHE_DIR, PROVIDER);
    const before = statSync(cached);
    const dir = tempDir('plugin-cache-');
    writeFileSync(path.join(dir, 'providers.tf.json'), JSON.stringify({ terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } } } }));

    const { stdout } = await terraform(['init', '-backend=false', '-input=false', '-no-color'], dir);

    expect(terraformEnv().TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE).toBe('true');
    expect(stdout).toContain('Using hashicorp/aws v5.100.0 from the shared cache directory');
    expect(stdout).not.toContain('Installing hashicorp/aws');
    const linked = path.join(dir, '.terraform', 'providers', PROVIDER);
    expect(lstatSync(linked).isSymbolicLink()).toBe(true);
    expect(readlinkSync(linked)).toBe(cached);
    const after = statSync(cached);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });
});
