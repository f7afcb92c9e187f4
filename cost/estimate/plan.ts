/**
 * Reading a `terraform show -json` plan: the resources it will leave in place
 * (`planned_values`), the ones in place before (`prior_state`, when the plan was
 * made against real state), and which resources an attribute's expression
 * references (`configuration`). Values Terraform only learns at apply (ids, ARNs)
 * are absent from `planned_values`; references fill that gap, e.g. which subnets
 * a load balancer spans or which task definition a service runs.
 */

/** The parts of `terraform show -json` the estimator reads. */
export interface TerraformPlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly planned_values?: { readonly root_module?: ModuleValues };
  readonly prior_state?: { readonly values?: { readonly root_module?: ModuleValues } };
  readonly configuration?: {
    readonly provider_config?: Record<string, { readonly name?: string; readonly expressions?: Record<string, unknown> }>;
    readonly root_module?: ModuleConfig;
  };
}

interface ModuleValues {
  readonly address?: string;
  readonly resources?: readonly ResourceValues[];
  readonly child_modules?: readonly ModuleValues[];
}

interface ResourceValues {
  readonly address: string;
  readonly mode?: string;
  readonly type: string;
  readonly name: string;
  readonly provider_name?: string;
  readonly values?: Record<string, unknown>;
}

interface ModuleConfig {
  readonly resources?: readonly { readonly address: string; readonly expressions?: Record<string, unknown> }[];
  readonly module_calls?: Record<string, { readonly module?: ModuleConfig }>;
}

/** One managed resource of a plan. */
export interface PlanResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** e.g. `registry.terraform.io/hashicorp/aws`. */
  readonly providerName?: string;
  /** Known planned values; attributes unknown until apply are absent. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** `aws_subnet.a[0]` and `module.m[1].aws_subnet.a` without their instance keys. */
export function withoutInstanceKeys(address: string): string {
  return address.replace(/\[[^\]]*\]/g, '');
}

const NOT_RESOURCES = new Set(['var', 'local', 'module', 'each', 'count', 'path', 'terraform', 'self', 'data']);

/** The resource address a reference string names (`aws_subnet.a.id` -> `aws_subnet.a`), if any. */
function referencedResource(reference: string, modulePrefix: string): string | undefined {
  const match = /^([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)(\[[^\]]+\])?/.exec(reference);
  if (!match || NOT_RESOURCES.has(match[1]) || !match[1].includes('_')) return undefined;
  return `${modulePrefix}${match[1]}.${match[2]}${match[3] ?? ''}`;
}

/** Every resource address referenced anywhere under an expression (blocks are arrays of objects). */
function collectReferences(expression: unknown, out: string[]): void {
  if (Array.isArray(expression)) {
    for (const e of expression) collectReferences(e, out);
    return;
  }
  if (typeof expression !== 'object' || expression === null) return;
  const record = expression as Record<string, unknown>;
  if (Array.isArray(record.references)) {
    out.push(...record.references.filter((r): r is string => typeof r === 'string'));
    return;
  }
  for (const value of Object.values(record)) collectReferences(value, out);
}

function flattenValues(module: ModuleValues | undefined): ResourceValues[] {
  if (!module) return [];
  return [...(module.resources ?? []), ...(module.child_modules ?? []).flatMap(flattenValues)];
}

function flattenConfig(module: ModuleConfig | undefined, prefix: string, out: Map<string, { prefix: string; expressions: Record<string, unknown> }>): void {
  if (!module) return;
  for (const r of module.resources ?? []) out.set(`${prefix}${r.address}`, { prefix, expressions: r.expressions ?? {} });
  for (const [name, call] of Object.entries(module.module_calls ?? {})) flattenConfig(call.module, `${prefix}module.${name}.`, out);
}

/** The managed resources of one side of a plan, with reference lookups. */
export class PlanResources {
  private readonly byAddr: Map<string, PlanResource>;

  constructor(
    readonly resources: readonly PlanResource[],
    private readonly config: ReadonlyMap<string, { prefix: string; expressions: Record<string, unknown> }>,
  ) {
    this.byAddr = new Map(resources.map((r) => [r.address, r]));
  }

  get(address: string): PlanResource | undefined {
    return this.byAddr.get(address);
  }

  ofType(...types: string[]): PlanResource[] {
    return this.resources.filter((r) => types.includes(r.type));
  }

  /**
   * Resources referenced by `resource`'s configuration at `attributePath` (dotted;
   * nested blocks are followed into every element), optionally of given types.
   */
  references(resource: PlanResource, attributePath: string, ...types: string[]): PlanResource[] {
    const config = this.config.get(withoutInstanceKeys(resource.address));
    if (!config) return [];
    let expressions: unknown[] = [config.expressions];
    for (const part of attributePath.split('.')) {
      expressions = expressions.flatMap((e) => (Array.isArray(e) ? e : [e])).map((e) => (e as Record<string, unknown> | undefined)?.[part]).filter((e) => e !== undefined);
    }
    const refs: string[] = [];
    collectReferences(expressions, refs);
    const found = new Map<string, PlanResource>();
    for (const ref of refs) {
      const target = referencedResource(ref, config.prefix);
      if (!target) continue;
      const exact = this.byAddr.get(target);
      const matches = exact ? [exact] : this.resources.filter((r) => withoutInstanceKeys(r.address) === target);
      for (const m of matches) if (types.length === 0 || types.includes(m.type)) found.set(m.address, m);
    }
    return [...found.values()];
  }
}

function toResources(values: ResourceValues[]): PlanResource[] {
  return values
    .filter((r) => (r.mode ?? 'managed') === 'managed')
    .map((r) => ({ address: r.address, type: r.type, name: r.name, providerName: r.provider_name, values: r.values ?? {} }))
    .sort((a, b) => a.address.localeCompare(b.address));
}

/** Checks that a value looks like `terraform show -json` of a plan and gives a clear error otherwise. */
export function asPlanJson(raw: unknown, from: string): TerraformPlanJson {
  const plan = raw as TerraformPlanJson;
  if (typeof raw !== 'object' || raw === null || !('planned_values' in raw) || typeof plan.format_version !== 'string') {
    throw new Error(
      `${from} is not the JSON of a Terraform plan (no format_version/planned_values). ` +
        "Make it with 'terraform plan -out=tfplan && terraform show -json tfplan > plan.json'.",
    );
  }
  return plan;
}

/** The resources a plan leaves in place (after apply). */
export function plannedResources(plan: TerraformPlanJson): PlanResources {
  const config = new Map<string, { prefix: string; expressions: Record<string, unknown> }>();
  flattenConfig(plan.configuration?.root_module, '', config);
  return new PlanResources(toResources(flattenValues(plan.planned_values?.root_module)), config);
}

/** The resources in place before the plan, when it was made against existing state. */
export function priorResources(plan: TerraformPlanJson): PlanResources | undefined {
  const root = plan.prior_state?.values?.root_module;
  if (!root) return undefined;
  const config = new Map<string, { prefix: string; expressions: Record<string, unknown> }>();
  flattenConfig(plan.configuration?.root_module, '', config);
  return new PlanResources(toResources(flattenValues(root)), config);
}

/** The AWS provider's region as configured, when it is a constant. */
export function planRegion(plan: TerraformPlanJson): string | undefined {
  const aws = Object.values(plan.configuration?.provider_config ?? {}).find((p) => p.name === 'aws');
  const region = (aws?.expressions?.region as { constant_value?: unknown } | undefined)?.constant_value;
  return typeof region === 'string' ? region : undefined;
}
