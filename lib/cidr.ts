/**
 * Small IPv4 CIDR helpers used by config validation. Kept dependency-free:
 * the only operations needed are parsing, containment and overlap.
 */

export interface Ipv4Range {
  /** First address of the block, as an unsigned 32-bit integer. */
  readonly start: number;
  /** Last address of the block, as an unsigned 32-bit integer. */
  readonly end: number;
  /** Prefix length, 0-32. */
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses `a.b.c.d/n`. Returns undefined unless the string is a syntactically
 * valid IPv4 CIDR whose address is the network address of the block
 * (`10.0.1.0/24`, not `10.0.1.5/24`), which is what AWS and the provider expect.
 */
export function parseCidr(value: unknown): Ipv4Range | undefined {
  if (typeof value !== 'string') return undefined;
  const match = CIDR_PATTERN.exec(value);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return undefined;
  return { start: address, end: address + size - 1, prefix };
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Ipv4Range, inner: Ipv4Range): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.start <= b.end && b.start <= a.end;
}
