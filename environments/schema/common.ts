/**
 * Pieces the sections share: CIDR blocks, region and zone names, account id, project name, log
 * retention, whole numbers, maintenance windows, host names and origins. Each pattern is defined
 * once here and used by the schema and by the cross-field checks alike.
 */
import { z } from 'zod';
import { AWS_REGIONS, OTHER_PARTITION_REGION, offeredInRegion } from '../../lib/aws-facts';
import { CIDR_HELP, parseCidr } from '../../lib/cidr';
import { Ctx, issue, Path } from './view';

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const cidr = z.string().refine((v) => parseCidr(v) !== undefined, { message: CIDR_HELP });

export const subnetCidr = cidr.refine(
  (v) => {
    const range = parseCidr(v);
    return range === undefined || (range.prefix >= 16 && range.prefix <= 28);
  },
  { message: 'must be a subnet CIDR with a prefix between /16 and /28 (the sizes AWS allows for subnets)' },
);

/** Region and zone names: AWS lists them in lower case, and the provider compares them as written. */
export const region = z.string().superRefine((v, ctx) => {
  if (AWS_REGIONS.value[v] !== undefined) return;
  const message = OTHER_PARTITION_REGION.test(v.toLowerCase())
    ? 'must be a region of the aws partition: this project builds arn:aws: ARNs, which China and GovCloud regions do not use (project rule)'
    : AWS_REGIONS.value[v.toLowerCase()] !== undefined
      ? `must be written in lower case, ${v.toLowerCase()}: the provider and request signing use the region name as written`
      : `must be an AWS region: ${Object.keys(AWS_REGIONS.value).join(', ')}`;
  ctx.addIssue({ code: 'custom', input: v, message });
});

/** An availability zone name, e.g. ap-southeast-2a. */
export const AVAILABILITY_ZONE = /^[a-z]{2}-[a-z]+-\d[a-z]$/;
export const availabilityZone = z.string().regex(AVAILABILITY_ZONE, { message: 'must be an availability zone name such as ap-southeast-2a' });

export const logRetentionDays = z
  .number()
  .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
    message: `must be a retention CloudWatch Logs accepts: one of ${LOG_RETENTION_DAYS.join(', ')}`,
  });

/** A 12-digit AWS account id. */
export const ACCOUNT_ID = /^\d{12}$/;
export const accountId = z.string().regex(ACCOUNT_ID, { message: 'must be a 12-digit AWS account id' });

/** The project name: lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen. */
export const PROJECT_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;

export const positiveInt = (what: string) => z.number().int({ message: `${what} must be a whole number` });

/**
 * A string that AWS reads without regard to case: checked case-insensitively against `pattern`
 * (a lower-case grammar), reported as written, and stored in lower case.
 */
export function lowerCased(pattern: RegExp, message: string) {
  return z
    .string()
    .regex(new RegExp(pattern.source, 'i'), { message })
    .transform((v) => v.toLowerCase());
}

/** A daily UTC window, `hh24:mi-hh24:mi`; the times are checked with the other window rules. */
const DAILY_WINDOW = /^\d{2}:\d{2}-\d{2}:\d{2}$/;
/**
 * A weekly UTC window, `ddd:hh24:mi-ddd:hh24:mi`. AWS accepts day names in any case (its documentation
 * writes `Mon`) and the provider stores them in lower case, so they are accepted in any case and stored in lower case.
 */
const WEEKLY_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}-(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}$/;
export const dailyWindowSchema = z.string().regex(DAILY_WINDOW, { message: 'must be hh24:mi-hh24:mi' });
export const weeklyWindowSchema = lowerCased(WEEKLY_WINDOW, 'must be ddd:hh24:mi-ddd:hh24:mi with ddd one of mon, tue, wed, thu, fri, sat, sun (any case)');

/** A DNS name: labels of 1-63 letters, digits and hyphens (not at either end), 253 characters at most. */
export const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** DNS ignores case: a host name is stored in lower case, as AWS, browsers and certificates compare it. */
export const hostname = lowerCased(DNS_NAME, 'must be a DNS name such as api.example.com');

/** An `http(s)://host[:port]` origin; scheme and host are case-insensitive and stored in lower case. */
const ORIGIN = /^https?:\/\/([a-z0-9.-]+)(:\d+)?$/;
export const origin = lowerCased(ORIGIN, 'must be an origin such as https://dashboard.example.com');

/** The host of a (valid, lower-case) origin. */
export function originHost(value: string): string {
  return ORIGIN.exec(value)?.[1] ?? '';
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY = 24 * 60;
const WEEK = 7 * DAY;

function minutesOf(time: string): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) return undefined;
  return Number(match[1]) * 60 + Number(match[2]);
}

/** `hh24:mi-hh24:mi` as [start minute of the day, length in minutes], or undefined. */
function dailyWindow(value: string): [number, number] | undefined {
  const [from, to, ...rest] = value.split('-');
  const start = minutesOf(from ?? '');
  const end = minutesOf(to ?? '');
  if (rest.length > 0 || start === undefined || end === undefined) return undefined;
  return [start, (end - start + DAY) % DAY];
}

/** `ddd:hh24:mi-ddd:hh24:mi` as [start minute of the week, length in minutes], or undefined. */
function weeklyWindow(value: string): [number, number] | undefined {
  const match = /^([a-z]{3}):(\d{2}:\d{2})-([a-z]{3}):(\d{2}:\d{2})$/.exec(value);
  if (!match) return undefined;
  const [startDay, endDay] = [WEEKDAYS.indexOf(match[1]), WEEKDAYS.indexOf(match[3])];
  const [startTime, endTime] = [minutesOf(match[2]), minutesOf(match[4])];
  if (startDay < 0 || endDay < 0 || startTime === undefined || endTime === undefined) return undefined;
  const start = startDay * DAY + startTime;
  return [start, (endDay * DAY + endTime - start + WEEK) % WEEK];
}

/** Whether two windows on a circle of `period` minutes share a minute. */
function windowsOverlap([a, aLength]: [number, number], [b, bLength]: [number, number], period: number): boolean {
  return (((b - a) % period) + period) % period < aLength || (((a - b) % period) + period) % period < bLength;
}

/**
 * A daily window (backups, snapshots) and the weekly maintenance window of one service, each as
 * its schema accepted it (or undefined): valid clock times, at least `minMinutes` long, and not
 * overlapping each other.
 */
export function checkWindows(
  ctx: Ctx,
  windows: { readonly daily?: string; readonly weekly?: string },
  where: { section: string; daily: string; weekly: string; minMinutes: number; owner: string },
): void {
  const daily = windows.daily === undefined ? undefined : dailyWindow(windows.daily);
  const weekly = windows.weekly === undefined ? undefined : weeklyWindow(windows.weekly);
  for (const [field, value, window] of [
    [where.daily, windows.daily, daily],
    [where.weekly, windows.weekly, weekly],
  ] as const) {
    if (value === undefined) continue;
    if (!window) {
      issue(ctx, [where.section, field], value, 'must use valid UTC times: hours 00-23, minutes 00-59');
    } else if (window[1] < where.minMinutes) {
      issue(ctx, [where.section, field], value, `must be at least ${where.minMinutes} minutes long (${where.owner} refuses shorter windows)`);
    }
  }
  if (daily && weekly && Array.from({ length: 7 }, (_, d) => windowsOverlap([d * DAY + daily[0], daily[1]], weekly, WEEK)).some(Boolean)) {
    issue(
      ctx,
      [where.section, where.daily],
      windows.daily,
      `must not overlap the maintenance window ${String(windows.weekly)} (${where.owner} refuses overlapping windows)`,
    );
  }
}

/**
 * A well-formed instance class or node type must be one AWS offers: in the region's Price List
 * offerings when recorded (lib/aws-offerings.ts), otherwise in the documented list (lib/aws-facts.ts).
 * The message says what is not offered, the size or the whole family, and lists what is.
 */
export function checkOffered(ctx: Ctx, path: Path, value: string | undefined, offered: ReturnType<typeof offeredInRegion>, what: string): void {
  if (value === undefined || offered.value.includes(value)) return;
  const [prefix, familyName, size] = value.split('.');
  const family = `${prefix}.${familyName}`;
  const sizes = offered.value.filter((v) => v.startsWith(`${family}.`)).map((v) => v.split('.')[2]);
  const where = offered.regional ? 'in this region (AWS Price List, lib/aws-offerings.ts)' : '(AWS documentation, lib/aws-facts.ts)';
  const families = [...new Set(offered.value.map((v) => v.split('.')[1]))];
  const why =
    sizes.length > 0
      ? `${family} has no size "${size}"; it comes in ${sizes.join(', ')}`
      : `there is no family ${family}; the ${prefix} families are ${families.join(', ')}`;
  issue(ctx, path, value, `is not ${what} ${where}: ${why}`);
}
