/**
 * What a region offers is an explicit input of validation (lib/aws-facts.ts): the Price List
 * offerings committed in lib/aws-offerings.ts for the regions recorded there, the documented lists
 * for every other region. Validation reads no file, so no file on disk (such as the per-region
 * JSON files the refresh once wrote) changes what it accepts.
 */
import fs from 'node:fs';
import { ENVIRONMENTS } from '../../environments';
import { EnvironmentConfigError, validateEnvironmentConfig } from '../../environments/schema';
import { AWS_REGIONS, ELASTICACHE_NODE_TYPES, offeredInRegion, RDS_POSTGRES_INSTANCE_CLASSES, RECORDED_OFFERINGS, regionZones } from '../../lib/aws-facts';

const NAME = Object.keys(ENVIRONMENTS)[0];
const RECORDED = {
  'eu-west-1': {
    region: 'eu-west-1',
    source: 'AWS Price List bulk API: a test recording',
    rdsPostgresInstanceClasses: ['db.t4g.micro', 'db.t4g.small'],
    elasticacheRedisNodeTypes: ['cache.t4g.micro'],
  },
};

/** A region of AWS_REGIONS with no recorded offerings, other than the environment's own. */
const UNRECORDED = Object.keys(AWS_REGIONS.value).find((r) => !(r in RECORDED_OFFERINGS) && !(r in RECORDED) && r !== (ENVIRONMENTS[NAME] as { region: string }).region) as string;

/** The environment's raw settings moved to `region` (its zones too), with `mutate` applied. */
function movedTo(region: string, mutate: (raw: Record<string, any>) => void = () => undefined): Record<string, any> {
  const raw = structuredClone(ENVIRONMENTS[NAME]) as Record<string, any>;
  raw.region = region;
  raw.network.availabilityZones = (regionZones(region) as string[]).slice(0, raw.network.availabilityZones.length);
  mutate(raw);
  return raw;
}

/** The problem lines of validating `raw` as the environment, [] when it is accepted. */
function problems(validate: typeof validateEnvironmentConfig, raw: unknown): string[] {
  try {
    validate(NAME, raw);
    return [];
  } catch (e) {
    if (!(e instanceof Error) || e.name !== EnvironmentConfigError.name) throw e;
    return e.message.split('\n').slice(1).map((l) => l.trim());
  }
}

describe('offeredInRegion', () => {
  it('gives a recorded region its Price List lists, with their source', () => {
    expect(offeredInRegion('rds', 'eu-west-1', RECORDED)).toEqual({ value: ['db.t4g.micro', 'db.t4g.small'], source: RECORDED['eu-west-1'].source, regional: true });
    expect(offeredInRegion('elasticache', 'eu-west-1', RECORDED)).toMatchObject({ value: ['cache.t4g.micro'], regional: true });
  });

  it('gives any other region, or no region, the documented lists', () => {
    expect(offeredInRegion('rds', UNRECORDED, RECORDED)).toEqual({ ...RDS_POSTGRES_INSTANCE_CLASSES, regional: false });
    expect(offeredInRegion('elasticache', undefined, RECORDED)).toEqual({ ...ELASTICACHE_NODE_TYPES, regional: false });
    // Not a recorded region, even though every object has it.
    expect(offeredInRegion('rds', 'constructor', RECORDED)).toMatchObject({ regional: false });
  });

  it('uses the committed offerings by default', () => {
    for (const region of Object.keys(AWS_REGIONS.value)) {
      expect(offeredInRegion('rds', region).regional).toBe(region in RECORDED_OFFERINGS);
    }
  });
});

describe('validation of what a region offers', () => {
  it('reads no file: every registered environment validates with the file system out of reach', () => {
    const reads = (['existsSync', 'readFileSync', 'readdirSync', 'statSync', 'lstatSync', 'openSync', 'accessSync'] as const).map((name) =>
      jest.spyOn(fs, name).mockImplementation(() => {
        throw new Error(`validation read the file system (fs.${name})`);
      }),
    );
    try {
      for (const [name, raw] of Object.entries(ENVIRONMENTS)) expect(() => validateEnvironmentConfig(name, raw)).not.toThrow();
      expect(problems(validateEnvironmentConfig, movedTo(UNRECORDED, (raw) => (raw.database.instanceClass = 'db.t3.mega')))).toHaveLength(1);
      for (const spy of reads) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of reads) spy.mockRestore();
    }
  });

  it('checks a region without recorded offerings against the documented lists, and says so', () => {
    expect(problems(validateEnvironmentConfig, movedTo(UNRECORDED, (raw) => (raw.database.instanceClass = 'db.t3.mega')))).toEqual([
      `- ${NAME}.database.instanceClass = "db.t3.mega": is not an RDS instance class offered for PostgreSQL (AWS documentation, lib/aws-facts.ts): ` +
        'db.t3 has no size "mega"; it comes in micro, small, medium, large, xlarge, 2xlarge',
    ]);
    expect(problems(validateEnvironmentConfig, movedTo(UNRECORDED, (raw) => (raw.database.instanceClass = 'db.r7g.large')))).toEqual([]);
  });

  it('checks a region with recorded offerings against them alone, naming the Price List as the source', () => {
    let validate: typeof validateEnvironmentConfig = validateEnvironmentConfig;
    jest.isolateModules(() => {
      jest.doMock('../../lib/aws-offerings', () => ({ PRICE_LIST_OFFERINGS: RECORDED }));
      validate = (require('../../environments/schema') as typeof import('../../environments/schema')).validateEnvironmentConfig;
    });
    const recorded = (nodeType: string) =>
      problems(
        validate,
        movedTo('eu-west-1', (raw) => {
          raw.database.instanceClass = 'db.t4g.small';
          raw.cache.nodeType = nodeType;
        }),
      );
    expect(recorded('cache.t4g.micro')).toEqual([]);
    // In the documented list, but not in the region's recorded offerings.
    expect(recorded('cache.r7g.large')).toEqual([
      `- ${NAME}.cache.nodeType = "cache.r7g.large": is not an ElastiCache node type offered for Redis OSS in this region (AWS Price List, lib/aws-offerings.ts): ` +
        'there is no family cache.r7g; the cache families are t4g',
    ]);
    // The same settings in a region without recorded offerings are accepted (documented lists).
    expect(problems(validate, movedTo(UNRECORDED, (raw) => (raw.cache.nodeType = 'cache.r7g.large')))).toEqual([]);
  });
});
