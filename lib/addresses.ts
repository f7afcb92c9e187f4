/**
 * Stable Terraform addresses.
 *
 * cdktf derives a resource's logical id from its construct path plus a hash, so
 * moving or renaming a construct would silently change `aws_subnet.<id>`, and
 * Terraform would destroy and recreate the resource. Here every resource is given
 * its address explicitly with `pin`, following one rule:
 *
 *   legacy `module.<m>.<type>.<name>[i]`  ->  `<type>.<m>_<name>_<i+1>`
 *   legacy `module.<m>.<type>.<name>`     ->  `<type>.<m>_<name>`
 *
 * and `AddressPinnedStack` refuses to synthesize any nested element that was not
 * pinned, so an unpinned resource fails synth instead of getting a hashed address.
 *
 * The same rule, read backwards, is the map from the legacy platform's addresses to
 * this project's: every stack emits one `moved` block per resource whose logical id
 * starts with a legacy module name (`legacyAddress`), so the first plan against the
 * legacy state moves each instance instead of destroying and recreating it. Two kinds
 * of resource are marked where they are pinned: those the legacy code declared with
 * `count` 0/1 (`<name>[0]`, pinned without an index: `'counted-once'`) and those the
 * legacy modules did not have (`'added'`: no moved block).
 */
import { TerraformElement, TerraformResource, TerraformStack } from 'cdktf';
import type { IConstruct, Node } from 'constructs';

const LOGICAL_ID = /^[a-z][a-z0-9_]*$/;

/** The modules of the legacy HCL platform (`module.<name>.…`). */
export const LEGACY_MODULES: readonly string[] = ['vpc', 'security', 'iam', 'rds', 'redis', 'alb', 'ecs'];

/** How a pinned resource departs from the plain rule: see the file comment. */
export type LegacyOrigin = 'counted-once' | 'added';

const ORIGINS = new WeakMap<TerraformElement, LegacyOrigin>();

/**
 * Gives `element` the Terraform logical id `logicalId` and returns it; `origin` marks a
 * resource the legacy code counted 0/1 (`'counted-once'`) or did not have (`'added'`).
 */
export function pin<T extends TerraformElement>(element: T, logicalId: string, origin?: LegacyOrigin): T {
  if (!LOGICAL_ID.test(logicalId)) {
    throw new Error(`Logical id "${logicalId}" for ${element.node.path} must be snake_case: ${LOGICAL_ID}`);
  }
  element.overrideLogicalId(logicalId);
  if (origin) ORIGINS.set(element, origin);
  return element;
}

/**
 * The legacy address of the resource `<type>.<logicalId>`, by the rule above read
 * backwards; undefined when its logical id does not start with a legacy module or it was added.
 */
export function legacyAddress(type: string, logicalId: string, origin?: LegacyOrigin): string | undefined {
  const match = /^([a-z0-9]+)_(.+)$/.exec(logicalId);
  if (origin === 'added' || !match || !LEGACY_MODULES.includes(match[1])) return undefined;
  const [, module, rest] = match;
  if (origin === 'counted-once') return `module.${module}.${type}.${rest}[0]`;
  const indexed = /^(.+)_(\d+)$/.exec(rest);
  return indexed ? `module.${module}.${type}.${indexed[1]}[${Number(indexed[2]) - 1}]` : `module.${module}.${type}.${rest}`;
}

/** A Terraform `moved` block. */
export interface MovedBlock {
  readonly from: string;
  readonly to: string;
}

/** One `moved` block per resource of `stack` that has a legacy address, sorted by target. */
export function legacyMovedBlocks(stack: TerraformStack): MovedBlock[] {
  return stack.node
    .findAll()
    .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c) && TerraformStack.of(c) === stack)
    .flatMap((r) => {
      const from = legacyAddress(r.terraformResourceType, r.friendlyUniqueId, ORIGINS.get(r));
      return from === undefined ? [] : [{ from, to: `${r.terraformResourceType}.${r.friendlyUniqueId}` }];
    })
    .sort((a, b) => a.to.localeCompare(b.to));
}

/**
 * Builds the logical ids of one construct: `ids('public', 0)` is `<prefix>_public_1`
 * (counted resources number from 1, like the legacy Name tags), `ids('main')` is `<prefix>_main`.
 */
export function logicalIds(prefix: string): (name: string, index?: number) => string {
  return (name, index) => (index === undefined ? `${prefix}_${name}` : `${prefix}_${name}_${index + 1}`);
}

/**
 * A stack whose elements all have deliberate logical ids: direct children (variables,
 * outputs, providers) keep their construct id, which must be snake_case; anything
 * nested must have been pinned with `pin`.
 */
export abstract class AddressPinnedStack extends TerraformStack {
  /** The synthesized JSON, with a `moved` block from each legacy address (harmless where the state has none). */
  public toTerraform(): any {
    const tf = super.toTerraform();
    const moved = legacyMovedBlocks(this);
    if (moved.length > 0) tf.moved = [...((tf.moved as MovedBlock[] | undefined) ?? []), ...moved];
    return tf;
  }

  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node: Node = TerraformElement.isTerraformElement(element) ? element.node : (element as Node);
    const isDirectChild = (node.scope as IConstruct | undefined) === this;
    if (isDirectChild && LOGICAL_ID.test(node.id)) return node.id;
    throw new Error(
      `${node.path} has no pinned Terraform address. Call pin(resource, this.at('${node.id.replace(/[^A-Za-z0-9]+/g, '_').toLowerCase()}')) in its construct ` +
        '(see lib/addresses.ts); hashed addresses are not allowed because they change when code moves.',
    );
  }
}
