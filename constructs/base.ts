/**
 * What every platform construct shares: the project's name (from which lib/names.ts derives every
 * resource name), the tags every resource carries, and the prefix of its Terraform logical ids
 * (lib/addresses.ts: `<prefix>_<name>`, the legacy module's name by default, so addresses stay
 * those the legacy state knows).
 *
 * A construct's props are then three things, each with one shape from environment file to
 * resource: `SharedProps`, its settings (the section of the environment config, same field
 * names) and references to what it connects to (network ids, topic, secrets).
 */
import { Construct } from 'constructs';
import { logicalIds } from '../lib/addresses';
import { type ResourceNames, resourceNames } from '../lib/names';

export interface SharedProps {
  /** Resource-name prefix (the legacy `project_name`). */
  readonly projectName: string;
  /** Tags for every resource the construct creates; a `Name` tag is added per resource where the legacy code had one. */
  readonly tags: Readonly<Record<string, string>>;
  /** Prefix of the Terraform logical ids. @default the legacy module's name, given by the construct */
  readonly addressPrefix?: string;
}

export abstract class PlatformConstruct extends Construct {
  /** Resource-name prefix (the legacy `project_name`). */
  protected readonly projectName: string;
  /** Tags for every resource. */
  protected readonly tags: Readonly<Record<string, string>>;
  /** Every resource name of the project (lib/names.ts). */
  protected readonly names: ResourceNames;
  /** The Terraform logical id of `name` (and index) in this construct: `<prefix>_<name>[_<index + 1>]`. */
  protected readonly at: (name: string, index?: number) => string;

  /** `module` is the legacy module whose addresses the construct keeps (the default address prefix). */
  protected constructor(scope: Construct, id: string, shared: SharedProps, module: string) {
    super(scope, id);
    this.projectName = shared.projectName;
    this.tags = shared.tags;
    this.names = resourceNames(shared.projectName);
    this.at = logicalIds(shared.addressPrefix ?? module);
  }
}
