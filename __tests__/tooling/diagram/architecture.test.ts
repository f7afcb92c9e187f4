/**
 * The architecture graph drawn from each shipped stack's synthesized JSON: the traffic path
 * exists only where security-group rules open it (and disappears with the rule), nothing in
 * the database subnets is reachable from the internet, and the environments differ where their
 * resources differ. Also: the DOT is deterministic, the CLI's bad-input errors, and the
 * committed docs/architecture/*.svg are up to date.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArchitectureGraph, buildArchitecture, INTERNET, nodeId, portsBetween } from '../../../tooling/diagram/architecture';
import { ARCHITECTURE_PAGE, DOCS_DIAGRAM_DIR, docsDiagrams, withArchitectureSections } from '../../../tooling/diagram/docs';
import { toDot } from '../../../tooling/diagram/dot';
import { toMermaid } from '../../../tooling/diagram/mermaid';
import type { TfJson } from '../../../tooling/diagram/terraform-json';
import { cli } from '../../../scripts/diagram';
import { ENV_NAMES, environment, RECORDED_ENVIRONMENTS, recordedStacks, synthesizedStacks } from '../../support/helpers';

const ALB = 'aws_lb.alb_main';
const BACKEND = 'aws_ecs_service.ecs_backend';
const FRONTEND = 'aws_ecs_service.ecs_frontend';
const RDS = 'aws_db_instance.rds_main';
const REDIS = 'aws_elasticache_replication_group.redis_main';

let stacks: Map<string, TfJson>;
beforeAll(() => {
  stacks = synthesizedStacks();
});

const json = (stack: string): TfJson => structuredClone(stacks.get(stack)!);
const graphOf = (stack: string, mutate?: (j: Record<string, any>) => void): ArchitectureGraph => {
  const j = json(stack);
  mutate?.(j as Record<string, any>);
  return buildArchitecture(stack, j);
};
const node = (g: ArchitectureGraph, address: string) => {
  const found = g.nodes.find((n) => n.address === address);
  if (!found) throw new Error(`no node for ${address}`);
  return found;
};
const databaseSubnets = (g: ArchitectureGraph) => g.nodes.filter((n) => n.kind === 'subnet' && n.title.startsWith('database subnet')).map((n) => n.id);

describe.each(ENV_NAMES)('the %s stack', (stack) => {
  // What the picture must show follows the environment's settings, not its name.
  const config = environment(stack);
  let g: ArchitectureGraph;
  beforeAll(() => {
    g = graphOf(stack);
  });

  it('lets the load balancer reach the backend on 8000 and the frontend on 80, through their target groups', () => {
    expect(portsBetween(g, ALB, BACKEND)).toEqual([8000]);
    expect(portsBetween(g, ALB, FRONTEND)).toEqual([80]);
    const toBackend = g.edges.find((e) => e.kind === 'traffic' && e.to === nodeId(BACKEND))!;
    expect([toBackend.from, toBackend.label, toBackend.rules]).toEqual([nodeId('aws_lb_target_group.alb_backend'), ':8000', ['aws_security_group_rule.security_ecs_backend_from_alb']]);
  });

  it('lets the backend reach RDS on 5432 and Redis on 6379, and nothing else reach them: no frontend edge', () => {
    expect(portsBetween(g, BACKEND, RDS)).toEqual([5432]);
    expect(portsBetween(g, BACKEND, REDIS)).toEqual([6379]);
    expect(portsBetween(g, FRONTEND, RDS)).toEqual([]);
    expect(portsBetween(g, FRONTEND, REDIS)).toEqual([]);
    const intoData = g.edges.filter((e) => e.kind === 'traffic' && (e.between?.[1] === RDS || e.between?.[1] === REDIS));
    expect(intoData.map((e) => e.between?.[0]).sort()).toEqual([BACKEND, BACKEND]);
  });

  it('reaches nothing in the database subnets from the internet: only the listeners, and no internet route there', () => {
    const fromInternet = g.edges.filter((e) => e.from === INTERNET);
    expect(fromInternet.length).toBeGreaterThan(0);
    expect(fromInternet.map((e) => g.nodes.find((n) => n.id === e.to)?.kind)).toEqual(fromInternet.map(() => 'listener'));
    const dbSubnets = databaseSubnets(g);
    expect(dbSubnets.length).toBeGreaterThanOrEqual(2);
    expect(node(g, RDS).subnets).toEqual(expect.arrayContaining(dbSubnets));
    expect(g.edges.filter((e) => e.kind === 'route' && dbSubnets.includes(e.from))).toEqual([]);
    expect(portsBetween(g, INTERNET, RDS)).toEqual([]);
    expect(portsBetween(g, INTERNET, REDIS)).toEqual([]);
  });

  it('draws every availability zone with its public, application and database subnet', () => {
    const zones = g.clusters.filter((c) => c.kind === 'az');
    expect(zones.length).toBe(config.network.availabilityZones.length);
    for (const zone of zones) {
      expect(g.nodes.filter((n) => n.cluster === zone.id && n.kind === 'subnet').map((n) => n.title.split(' ')[0]).sort()).toEqual(['application', 'database', 'public']);
    }
  });

  it('shows who assumes the roles and which secrets they may read', () => {
    const github = g.nodes.find((n) => n.kind === 'github')!;
    expect(github.details).toEqual([expect.stringMatching(/^subject repo:MarkLimmage\/ohmycoins:/), ...(config.github.createOidcProvider ? ['OIDC provider created in this stack'] : [])]);
    expect(g.edges).toContainEqual(expect.objectContaining({ from: github.id, to: nodeId('aws_iam_role.iam_github_actions'), kind: 'assumes' }));
    // Each service its own roles; the frontend's execution role reads no secret.
    for (const [service, task, execution] of [
      [BACKEND, 'iam_ecs_task', 'iam_ecs_task_execution'],
      [FRONTEND, 'iam_frontend_task', 'iam_frontend_task_execution'],
    ]) {
      expect(g.edges).toContainEqual({ from: nodeId(service), to: nodeId(`aws_iam_role.${task}`), kind: 'assumes', label: 'task role' });
      expect(g.edges).toContainEqual({ from: nodeId(service), to: nodeId(`aws_iam_role.${execution}`), kind: 'assumes', label: 'execution role' });
    }
    expect(g.edges.filter((e) => e.kind === 'reads' && e.from.includes('frontend'))).toEqual([]);
    const read = g.edges.filter((e) => e.kind === 'reads' && e.from === nodeId('aws_iam_role.iam_ecs_task_execution')).map((e) => e.to).sort();
    const expected = [nodeId('aws_secretsmanager_secret.app_secrets'), `${nodeId(RDS)}__master_user_secret`, ...(config.cache.authToken ? [nodeId('aws_secretsmanager_secret.redis_auth_token')] : [])];
    expect(read).toEqual(expected.sort());
  });

  it('counts the alarms feeding the topic, and draws the rotation redeploy', () => {
    const alarms = Object.keys(stacks.get(stack)!.resource!.aws_cloudwatch_metric_alarm).length;
    expect(g.nodes.find((n) => n.kind === 'alarms')?.title).toBe(`${alarms} CloudWatch alarms`);
    const chain = [`${nodeId(RDS)}__master_user_secret`, nodeId('aws_cloudwatch_event_rule.rotation_password_rotated'), nodeId('aws_sfn_state_machine.rotation_backend_redeploy'), nodeId(BACKEND)];
    for (let i = 1; i < chain.length; i++) expect(g.edges.some((e) => e.from === chain[i - 1] && e.to === chain[i])).toBe(true);
  });

  it('gives the same DOT and Mermaid whatever the order of the JSON', () => {
    const reversed = (o: unknown): unknown =>
      Array.isArray(o) ? o.map(reversed) : o && typeof o === 'object' ? Object.fromEntries(Object.entries(o).reverse().map(([k, v]) => [k, reversed(v)])) : o;
    const shuffled = buildArchitecture(stack, reversed(json(stack)) as TfJson);
    expect(toDot(shuffled)).toBe(toDot(g));
    expect(toMermaid(shuffled)).toBe(toMermaid(g));
  });
});

describe('staging and production differ where their resources differ', () => {
  it('one NAT gateway against three, HTTP only against a redirect to HTTPS, single-AZ against Multi-AZ', () => {
    const [staging, production] = [graphOf('staging'), graphOf('production')];
    expect([staging, production].map((g) => g.nodes.filter((n) => n.kind === 'nat').length)).toEqual([1, 3]);
    expect(staging.nodes.filter((n) => n.kind === 'subnet' && n.details[0] === 'egress via a NAT gateway in another zone')).toHaveLength(1);
    expect([staging, production].map((g) => portsBetween(g, INTERNET, ALB))).toEqual([[80], [80, 443]]);
    expect(production.edges).toContainEqual(expect.objectContaining({ from: nodeId('aws_lb_listener.alb_http'), to: nodeId('aws_lb_listener.alb_https'), kind: 'redirect' }));
    expect(production.edges).toContainEqual(expect.objectContaining({ to: nodeId('aws_lb_target_group.alb_backend'), label: 'host api.ohmycoins.com (rule 100)' }));
    expect(staging.edges).toContainEqual(expect.objectContaining({ to: nodeId('aws_lb_target_group.alb_backend'), label: 'path /api/*, /docs, /redoc, /openapi.json (rule 100)' }));
    expect([staging, production].map((g) => node(g, RDS).details[1])).toEqual(['single-AZ · encrypted', 'Multi-AZ · encrypted']);
  });
});

describe('security-group rules decide the traffic edges', () => {
  const without = (...rules: string[]) => (j: Record<string, any>) => rules.forEach((r) => delete j.resource.aws_security_group_rule[r]);

  it('drops the load balancer → backend edge with the rule that opens 8000, and keeps the frontend', () => {
    const g = graphOf('production', without('security_ecs_backend_from_alb'));
    expect(portsBetween(g, ALB, BACKEND)).toEqual([]);
    expect(portsBetween(g, ALB, FRONTEND)).toEqual([80]);
    expect(toDot(g)).not.toContain('label=" :8000 "');
  });

  it('drops the backend → RDS edge with the rule that opens 5432, and each data edge without the backend egress rule to it', () => {
    const noRds = graphOf('staging', without('security_rds_from_ecs'));
    expect([portsBetween(noRds, BACKEND, RDS), portsBetween(noRds, BACKEND, REDIS)]).toEqual([[], [6379]]);
    const noEgress = graphOf('staging', without('security_ecs_postgres_egress'));
    expect([portsBetween(noEgress, BACKEND, RDS), portsBetween(noEgress, BACKEND, REDIS), portsBetween(noEgress, ALB, BACKEND)]).toEqual([[], [6379], [8000]]);
  });

  it('would draw a frontend → RDS edge only with both rules: ingress on RDS from the frontend group, egress from it', () => {
    const ingress = (j: Record<string, any>) => {
      j.resource.aws_security_group_rule.rds_from_frontend = {
        type: 'ingress', from_port: 5432, to_port: 5432, protocol: 'tcp', source_security_group_id: '${aws_security_group.security_frontend.id}', security_group_id: '${aws_security_group.security_rds.id}',
      };
    };
    const egress = (j: Record<string, any>) => {
      j.resource.aws_security_group_rule.frontend_to_rds = {
        type: 'egress', from_port: 5432, to_port: 5432, protocol: 'tcp', source_security_group_id: '${aws_security_group.security_rds.id}', security_group_id: '${aws_security_group.security_frontend.id}',
      };
    };
    const steps = [[ingress], [egress], [ingress, egress]];
    expect(steps.map((mutations) => portsBetween(graphOf('staging', (j) => mutations.forEach((m) => m(j))), FRONTEND, RDS))).toEqual([[], [], [5432]]);
  });

  it('draws service-to-service traffic when a rule opens it (none in the shipped stacks)', () => {
    expect(portsBetween(graphOf('staging'), FRONTEND, BACKEND)).toEqual([]);
    const g = graphOf('staging', (j) => {
      j.resource.aws_security_group_rule.backend_from_frontend = {
        type: 'ingress', from_port: 8000, to_port: 8000, protocol: 'tcp', source_security_group_id: '${aws_security_group.security_frontend.id}', security_group_id: '${aws_security_group.security_ecs.id}',
      };
      j.resource.aws_security_group_rule.frontend_to_backend = {
        type: 'egress', from_port: 8000, to_port: 8000, protocol: 'tcp', source_security_group_id: '${aws_security_group.security_ecs.id}', security_group_id: '${aws_security_group.security_frontend.id}',
      };
    });
    expect([portsBetween(g, FRONTEND, BACKEND), portsBetween(g, BACKEND, FRONTEND)]).toEqual([[8000], []]);
  });

  it('drops the internet → listener edge without the ingress rule for its port', () => {
    const g = graphOf('production', without('security_alb_https_ingress'));
    expect(portsBetween(g, INTERNET, ALB)).toEqual([80]);
  });

  it('would show the internet reaching RDS only with a rule opening it, a route to the internet gateway and a public instance', () => {
    const openRule = (j: Record<string, any>) => {
      j.resource.aws_security_group_rule.rds_from_anywhere = {
        type: 'ingress', from_port: 5432, to_port: 5432, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'], security_group_id: '${aws_security_group.security_rds.id}',
      };
    };
    const routeOut = (j: Record<string, any>) => {
      for (const table of Object.keys(j.resource.aws_route_table).filter((t) => t.includes('private_db'))) {
        j.resource.aws_route[`${table}_igw`] = { route_table_id: `\${aws_route_table.${table}.id}`, destination_cidr_block: '0.0.0.0/0', gateway_id: '${aws_internet_gateway.vpc_main.id}' };
      }
    };
    const makePublic = (j: Record<string, any>) => (j.resource.aws_db_instance.rds_main.publicly_accessible = true);
    const steps = [[openRule], [openRule, routeOut], [routeOut, makePublic], [openRule, routeOut, makePublic]];
    expect(steps.map((mutations) => portsBetween(graphOf('production', (j) => mutations.forEach((m) => m(j))), INTERNET, RDS))).toEqual([[], [], [], [5432]]);
  });
});

describe('npm run diagram', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'diagram-cli-'));
    const { mkdirSync, writeFileSync } = require('node:fs') as typeof import('node:fs');
    mkdirSync(path.join(dir, 'stacks', 'staging'), { recursive: true });
    writeFileSync(path.join(dir, 'stacks', 'staging', 'cdk.tf.json'), JSON.stringify(stacks.get('staging')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await cli([...argv, '--dir', dir], { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  };

  it('writes Mermaid and DOT to stdout, or to a file and says so', async () => {
    expect(await run('staging', '--format', 'mermaid')).toEqual({ code: 0, out: toMermaid(graphOf('staging')), err: '' });
    const file = path.join(dir, 'staging.dot');
    expect(await run('staging', '--format', 'dot', '--out', file)).toEqual({ code: 0, out: '', err: `wrote the dot diagram of staging to ${file}\n` });
    expect(readFileSync(file, 'utf8')).toBe(toDot(graphOf('staging')));
  });

  it.each([
    [['nowhere'], 1, `unknown stack "nowhere": the stacks are ${[...ENV_NAMES, 'bootstrap'].sort().join(', ')}`],
    [['production'], 1, 'stack "production" is not synthesized yet (no DIR/stacks/production/cdk.tf.json): run npm run synth first'],
    [['staging', '--format', 'dot', '--out', '/nonexistent-dir/x.dot'], 1, 'cannot write /nonexistent-dir/x.dot: its folder does not exist'],
    [['staging', '--format', 'dot', '--out', os.tmpdir()], 1, `cannot write ${os.tmpdir()}: it is a folder`],
    [['staging', '--format', 'png'], 2, 'diagram: unknown format "png": use svg, mermaid or dot'],
    [['staging', '--colour'], 2, 'diagram: unknown option --colour'],
    [[], 2, 'diagram: missing <stack>'],
  ])('refuses %j: exit %d, one line', async (argv, code, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(code);
    expect(result.err.split('\n')[0]).toBe(message.replace('DIR', dir));
    if (code === 1) expect(result.err).toBe(`${message.replace('DIR', dir)}\n`);
    else expect(result.err.split('\n')[1]).toMatch(/^usage: npm run diagram -- \[<stack>\] /);
  });
});

describe('docs/architecture.md', () => {
  it('shows the committed SVG of every recorded stack in a generated section, and each is what the code draws today', () => {
    // As recorded (the stacks of the environments with a golden copy): a new environment is drawn
    // when `npm run test:record` records it (docs/testing.md, "A new environment").
    const page = readFileSync(ARCHITECTURE_PAGE, 'utf8');
    const drawn = docsDiagrams(recordedStacks());
    expect([...drawn.keys()].sort()).toEqual([...RECORDED_ENVIRONMENTS, 'bootstrap'].sort());
    const stale = 'run npm run test:record (or npm run diagram -- --docs once every environment is recorded) and commit the result';
    if (withArchitectureSections(page, [...drawn.keys()]) !== page) throw new Error(`docs/architecture.md's sections of the stacks are stale: ${stale}`);
    for (const [stack, svg] of drawn) {
      const file = path.join(DOCS_DIAGRAM_DIR, `${stack}.svg`);
      expect(page).toContain(`](architecture/${stack}.svg)`);
      const committed = existsSync(file) ? readFileSync(file, 'utf8') : '(missing)';
      if (committed !== svg) throw new Error(`docs/architecture/${stack}.svg is stale: ${stale}`);
    }
  });
});
