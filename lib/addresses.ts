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
 */
import { TerraformElement, TerraformStack } from 'cdktf';
import type { IConstruct, Node } from 'constructs';

const LOGICAL_ID = /^[a-z][a-z0-9_]*$/;

/** Gives `element` the Terraform logical id `logicalId` and returns it. */
export function pin<T extends TerraformElement>(element: T, logicalId: string): T {
  if (!LOGICAL_ID.test(logicalId)) {
    throw new Error(`Logical id "${logicalId}" for ${element.node.path} must be snake_case: ${LOGICAL_ID}`);
  }
  element.overrideLogicalId(logicalId);
  return element;
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
  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node: Node = TerraformElement.isTerraformElement(element) ? element.node : (element as Node);
    const isDirectChild = (node.scope as IConstruct | undefined) === this;
    if (isDirectChild && LOGICAL_ID.test(node.id)) return node.id;
    throw new Error(
      `${node.path} has no pinned Terraform address. Call pin(resource, '<module>_<name>') in its construct ` +
        '(see lib/addresses.ts); hashed addresses are not allowed because they change when code moves.',
    );
  }
}
