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

/** A decimal number without leading zeros, as Go's net.ParseCIDR (and so the provider) reads it. */
const NUMBER = '(0|[1-9]\\d{0,2})';
const CIDR_PATTERN = new RegExp(`^${NUMBER}\\.${NUMBER}\\.${NUMBER}\\.${NUMBER}\\/(0|[1-9]\\d?)$`);

/** What parseCidr accepts, in words. */
export const CIDR_HELP =
  'must be an IPv4 CIDR block in canonical network form, e.g. 10.0.0.0/16: four numbers 0-255 without leading zeros, a prefix 0-32, the address aligned to the prefix';

/**
 * Parses `a.b.c.d/n`. Returns undefined unless the string is an IPv4 CIDR in the
 * canonical form the provider accepts (it compares the value with Go's
 * `net.IPNet.String()`): no leading zeros in the octets or the prefix, and the
 * address is the network address of the block (`10.0.1.0/24`, not `10.0.1.5/24`).
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

/** A range back in `a.b.c.d/n` form. */
export function formatCidr(range: Ipv4Range): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(range.start / 2 ** shift) % 256);
  return `${octets.join('.')}/${range.prefix}`;
}

/** The private address blocks of RFC 1918, where a VPC's range is looked for. */
const PRIVATE_BLOCKS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((b) => parseCidr(b) as Ipv4Range);

/**
 * The first block of `prefix` bits in the RFC 1918 ranges (10/8 first) that overlaps none of
 * `taken`, or undefined when none is left.
 */
export function freeCidr(taken: readonly Ipv4Range[], prefix: number): Ipv4Range | undefined {
  const size = 2 ** (32 - prefix);
  for (const block of PRIVATE_BLOCKS.filter((b) => b.prefix <= prefix)) {
    for (let start = block.start; start + size - 1 <= block.end; start += size) {
      const candidate = { start, end: start + size - 1, prefix };
      const clash = taken.find((t) => cidrsOverlap(t, candidate));
      // Skip past the clash at once: a taken /8 would otherwise cost 256 steps of /16.
      if (!clash) return candidate;
      start = Math.max(start, Math.floor(clash.end / size) * size);
    }
  }
  return undefined;
}

/** `range` moved from inside `from` to the same place inside `to` (same offset and prefix). */
export function rebase(range: Ipv4Range, from: Ipv4Range, to: Ipv4Range): Ipv4Range {
  const start = range.start - from.start + to.start;
  return { start, end: start + (range.end - range.start), prefix: range.prefix };
}
