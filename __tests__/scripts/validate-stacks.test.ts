/**
 * validate:stacks without Terraform: which stacks it finds, which CLI config it uses (the
 * mirror here, the registry on CI runners), and its report. The Terraform runs themselves
 * are in __tests__/terraform/ci-scripts.test.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { terraformCliConfig } from '../../tooling/terraform/offline-plan';
import { formatValidation, synthesizedStacks, validateStacks } from '../../scripts/validate-stacks';
import { tempDir } from '../support/temp';
import { UNKNOWN_ENVIRONMENT } from '../support/unknown-environment';

const tmp = () => tempDir('validate-stacks-');

describe('synthesizedStacks', () => {
  it('lists every stack folder holding a cdk.tf.json, sorted', () => {
    const out = tmp();
    for (const stack of ['staging', 'bootstrap', 'production']) {
      mkdirSync(path.join(out, 'stacks', stack), { recursive: true });
      writeFileSync(path.join(out, 'stacks', stack, 'cdk.tf.json'), '{}');
    }
    mkdirSync(path.join(out, 'stacks', 'half-written'), { recursive: true });
    expect(synthesizedStacks(out)).toEqual(['bootstrap', 'production', 'staging']);
    expect(synthesizedStacks(tmp())).toEqual([]);
  });

  it('refuses an empty output folder or an unknown stack before running Terraform', async () => {
    const empty = tmp();
    await expect(validateStacks(empty)).rejects.toThrow(`No synthesized stacks in ${path.join(empty, 'stacks')}; run npm run synth first`);
    const out = tmp();
    mkdirSync(path.join(out, 'stacks', 'staging'), { recursive: true });
    writeFileSync(path.join(out, 'stacks', 'staging', 'cdk.tf.json'), '{}');
    await expect(validateStacks(out, { stacks: [UNKNOWN_ENVIRONMENT] })).rejects.toThrow(`No synthesized stack ${UNKNOWN_ENVIRONMENT} in ${path.join(out, 'stacks')}; have staging`);
  });
});

describe('terraformCliConfig', () => {
  function rc(mirror: string): string {
    const file = path.join(tmp(), 'terraform.rc');
    writeFileSync(file, `provider_installation {\n  filesystem_mirror {\n    path    = "${mirror}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`);
    return file;
  }

  it('uses the project config when its mirror exists (this machine)', () => {
    const config = rc(tmp());
    expect(terraformCliConfig({}, config)).toBe(config);
  });

  it('uses none, so the registry, when the mirror is absent (CI runners)', () => {
    expect(terraformCliConfig({}, rc('/nonexistent/tf-plugins'))).toBeUndefined();
    expect(terraformCliConfig({}, '/nonexistent/terraform.rc')).toBeUndefined();
  });

  it('prefers OMC_TERRAFORM_CLI_CONFIG', () => {
    expect(terraformCliConfig({ OMC_TERRAFORM_CLI_CONFIG: '/etc/other.rc' }, rc(tmp()))).toBe('/etc/other.rc');
  });
});

describe('formatValidation', () => {
  it('prints the verdict, a line per stack, then each problem', () => {
    const text = formatValidation([
      { stack: 'production', ok: true, diagnostics: [], seconds: 3.2 },
      {
        stack: 'staging',
        ok: false,
        failedStep: 'validate',
        diagnostics: [{ severity: 'error', summary: 'Unsupported argument', detail: 'An argument named "x" is not expected here.', address: 'aws_vpc.vpc_main' }],
        seconds: 2.9,
      },
    ]);
    expect(text.split('\n')).toEqual([
      '1 of 2 stacks failed validation.',
      '',
      'ok    production       init + validate clean (3.2 s)',
      'FAIL  staging          validate failed (2.9 s)',
      '',
      'staging:',
      '  error: Unsupported argument (aws_vpc.vpc_main)',
      '    An argument named "x" is not expected here.',
    ]);
  });
});
