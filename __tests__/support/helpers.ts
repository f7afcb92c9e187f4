/**
 * Test helpers: build an environment's stack in memory from (optionally modified)
 * environment data and read its synthesized Terraform JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { ENVIRONMENTS } from '../../environments';
import { EnvironmentConfig, EnvironmentConfigError, validateEnvironmentConfig } from '../../environments/schema';
import { PlatformStack } from '../../stacks/platform-stack';
import { pipelineEnvironment } from '../../stacks/app';
import type { PipelineEnvironment } from '../../lib/pipeline';
import { synthesizeStacks } from '../../tooling/diagram/docs';
import type { TfJson } from '../../tooling/diagram/terraform-json';
import { PROJECT_ROOT } from '../../lib/project-root';
import { cachedResultSync, cacheKey, hashFolder } from '../../tooling/terraform/result-cache';
import { goldenFile } from '../../scripts/test-record';

/** An environment of the registry (environments/index.ts); tests iterate `ENV_NAMES`, never a list of their own. */
export type EnvName = string;
/** Every environment of the registry, in its order. */
export const ENV_NAMES: readonly EnvName[] = Object.keys(ENVIRONMENTS);

/**
 * The environments whose golden copy is recorded (__tests__/fixtures/synth/<env>.cdk.tf.json):
 * the golden, generated-docs and diagram checks compare what was recorded for these. An environment
 * just added to the registry is not among them until `npm run test:record` records it (see
 * docs/testing.md, "A new environment").
 */
export const RECORDED_ENVIRONMENTS: readonly EnvName[] = ENV_NAMES.filter((name) => existsSync(goldenFile(name)));
/** Environments of the registry not recorded yet. */
export const UNRECORDED_ENVIRONMENTS: readonly EnvName[] = ENV_NAMES.filter((name) => !RECORDED_ENVIRONMENTS.includes(name));
/** The registry restricted to the recorded environments. */
export function recordedRegistry(): Record<string, unknown> {
  return Object.fromEntries(RECORDED_ENVIRONMENTS.map((name) => [name, ENVIRONMENTS[name]]));
}

/** A deep copy of an environment's raw data, for tests to modify. */
export function rawEnvironment(name: EnvName): Record<string, any> {
  return structuredClone(ENVIRONMENTS[name]) as Record<string, any>;
}

/** The validated config of a shipped environment, optionally modified first. */
export function environment(name: EnvName, mutate?: (raw: Record<string, any>) => void): EnvironmentConfig {
  const raw = rawEnvironment(name);
  mutate?.(raw);
  return validateEnvironmentConfig(name, raw);
}

export interface SynthesizedStack {
  readonly json: Record<string, any>;
  /** Resources of a type, by logical id. */
  resources(type: string): Record<string, any>;
  /** One resource; throws if absent. */
  resource(type: string, id: string): Record<string, any>;
  /** `type.id` of every resource. */
  addresses(): string[];
}

export function synthesize(config: EnvironmentConfig): SynthesizedStack {
  return synthesizeStack(new PlatformStack(Testing.app(), config));
}

/** Synthesizes any stack (e.g. the bootstrap stack) and gives access to its resources. */
export function synthesizeStack(stack: TerraformStack): SynthesizedStack {
  return synthesized(Testing.synth(stack));
}

function synthesized(text: string): SynthesizedStack {
  const json = JSON.parse(text) as Record<string, any>;
  const resources = (type: string) => (json.resource?.[type] ?? {}) as Record<string, any>;
  return {
    json,
    resources,
    resource(type, id) {
      const found = resources(type)[id];
      if (!found) throw new Error(`no ${type}.${id}; have ${Object.keys(resources(type)).join(', ') || 'none'}`);
      return found;
    },
    addresses() {
      return Object.entries(json.resource ?? {}).flatMap(([type, byId]) => Object.keys(byId as object).map((id) => `${type}.${id}`)).sort();
    },
  };
}

let sourcesHash: string | undefined;

/**
 * What the synth of a shipped environment depends on: the sources (the AWS offerings validation
 * checks against are source too, lib/aws-offerings.ts) and the locked dependencies.
 */
function sourcesKey(): string {
  sourcesHash ??= cacheKey(
    ...['lib', 'stacks', 'constructs', 'environments'].map((dir) => hashFolder(path.join(PROJECT_ROOT, dir))),
    readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8'),
  );
  return sourcesHash;
}

/**
 * Synthesizes a shipped environment, optionally modified first. The unmodified ones are used by
 * many test files: their synthesized JSON is kept in the content-hash cache (tooling/terraform/result-cache.ts)
 * under a hash of the sources, so they are synthesized once per change, not once per file (the
 * terraform global setup synthesizes every stack on every run anyway). Each call parses its own copy.
 */
export function synthEnvironment(name: EnvName, mutate?: (raw: Record<string, any>) => void): SynthesizedStack {
  if (mutate) return synthesize(environment(name, mutate));
  return synthesized(cachedResultSync(cacheKey('shipped-synth', name, sourcesKey()), () => Testing.synth(new PlatformStack(Testing.app(), environment(name)))));
}

/** The problem lines (`- <env>.<field> = <value>: <message>`) of a shipped environment modified by `mutate`; fails if it is accepted. */
export function problemsOf(name: EnvName, mutate: (raw: Record<string, any>) => void): string[] {
  const raw = rawEnvironment(name);
  mutate(raw);
  try {
    validateEnvironmentConfig(name, raw);
  } catch (e) {
    expect(e).toBeInstanceOf(EnvironmentConfigError);
    return (e as EnvironmentConfigError).message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected the config to be rejected');
}

/** The legacy alarm-table columns of a synthesized `aws_cloudwatch_metric_alarm`. */
export function alarmRow(alarm: Record<string, any>): unknown[] {
  return ['alarm_name', 'metric_name', 'statistic', 'comparison_operator', 'threshold', 'evaluation_periods', 'period', 'alarm_description'].map((k) => alarm[k]);
}

export { tempDir } from './temp';

/** What the bootstrap stack's pipeline roles take of every environment of the registry. */
export function registryPipelineEnvironments(): PipelineEnvironment[] {
  return Object.keys(ENVIRONMENTS).map((name) => pipelineEnvironment(validateEnvironmentConfig(name, ENVIRONMENTS[name])));
}

/**
 * Every stack of the app as `synthesizeStacks()` (tooling/diagram/docs.ts) gives it, kept in the
 * content-hash cache under the same hash of the sources as `synthEnvironment`: the diagram tests
 * need it in several files. Each call parses its own copy.
 */
export function synthesizedStacks(): Map<string, TfJson> {
  return new Map(Object.entries(cachedResultSync(cacheKey('docs-synth', sourcesKey()), () => Object.fromEntries(synthesizeStacks()))));
}

/**
 * Every stack of the app built from the recorded environments only (the bootstrap stack too holds
 * something per environment): what the golden copies, the generated pages and the committed
 * diagrams were recorded from. The same as `synthesizedStacks()` when every environment is recorded.
 */
export function recordedStacks(): Map<string, TfJson> {
  if (UNRECORDED_ENVIRONMENTS.length === 0) return synthesizedStacks();
  const key = cacheKey('docs-synth-recorded', RECORDED_ENVIRONMENTS.join(','), sourcesKey());
  return new Map(Object.entries(cachedResultSync(key, () => Object.fromEntries(synthesizeStacks(recordedRegistry())))));
}
