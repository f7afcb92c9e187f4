/**
 * The architecture graph of one synthesized stack (its cdk.tf.json), drawn from the resources
 * themselves: the network (VPC, one box per availability zone, subnets and the routes that
 * make them public, private or isolated, NAT and internet gateways), the traffic path
 * (internet → listeners → target groups → ECS services → databases) where every hop is an edge
 * only if the security-group rules let it through (its label is the port they open), IAM roles
 * and who assumes them, secrets and who may read them, alarms and their topic, and the
 * EventBridge → Step Functions redeploy. Nothing here looks at the environment's name: two
 * stacks differ in the picture exactly where their resources differ.
 *
 * buildArchitecture draws it in named steps, each a function of a shared GraphBuilder and what the
 * steps before it found: network (VPCs, zones, gateways, subnets), edge (the internet, load
 * balancers, listeners, target groups), services (ECS), data (databases, caches), traffic (the
 * security groups' verdicts), identity (secrets, IAM roles), monitoring, automation (EventBridge,
 * Step Functions), storage (S3, DynamoDB, KMS) and the rest, counted.
 */
import { cidrContains, type Ipv4Range, parseCidr } from '../../lib/cidr';
import { type Addressed, allResources, list, parseJson, reference, references, resourcesOf, type TfJson, type TfResource } from './terraform-json';

export type NodeKind =
  | 'internet'
  | 'github'
  | 'gateway'
  | 'nat'
  | 'subnet'
  | 'listener'
  | 'target-group'
  | 'service'
  | 'database'
  | 'cache'
  | 'role'
  | 'secret'
  | 'topic'
  | 'alarms'
  | 'event-rule'
  | 'state-machine'
  | 'bucket'
  | 'table'
  | 'key'
  | 'other';

export type ClusterKind = 'vpc' | 'az' | 'load-balancer' | 'ecs' | 'iam' | 'secrets' | 'monitoring' | 'rotation' | 'storage';

export type EdgeKind = 'traffic' | 'route' | 'forward' | 'redirect' | 'assumes' | 'reads' | 'notifies' | 'triggers' | 'redeploys' | 'encrypts';

export interface DiagramNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly title: string;
  readonly details: readonly string[];
  readonly cluster?: string;
  /** The Terraform address the node stands for. */
  readonly address?: string;
  /** Node ids of the subnets it runs in. */
  readonly subnets?: readonly string[];
}

export interface DiagramCluster {
  readonly id: string;
  readonly kind: ClusterKind;
  readonly title: string;
  readonly parent?: string;
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label?: string;
  /** Traffic: the ports the security-group rules open on this hop. */
  readonly ports?: readonly number[];
  /** Traffic: the ingress rules that open them. */
  readonly rules?: readonly string[];
  /** Traffic: the resources at either end (`internet` for the internet). */
  readonly between?: readonly [string, string];
}

export interface ArchitectureGraph {
  readonly stack: string;
  readonly nodes: readonly DiagramNode[];
  readonly clusters: readonly DiagramCluster[];
  readonly edges: readonly DiagramEdge[];
  /** The prefix most resource names share, left out of the node titles. */
  readonly namePrefix: string;
}

/** The id of the node or cluster standing for a Terraform address. */
export function nodeId(address: string): string {
  return address.replace(/\./g, '__').replace(/[^A-Za-z0-9_]/g, '_');
}

export const INTERNET = 'internet';
const ANYWHERE = ['0.0.0.0/0', '::/0'];

/** A security-group rule, whichever way it was written (rule resource, inline block, VPC rule resource). */
interface SgRule {
  readonly address: string;
  readonly group: string;
  readonly direction: 'ingress' | 'egress';
  readonly from: number;
  readonly to: number;
  readonly allProtocols: boolean;
  readonly protocol: string;
  readonly cidrs: readonly string[];
  readonly peer?: string;
  readonly self: boolean;
}

/** Something that receives or sends traffic: a load balancer, a service, a database. */
interface Endpoint {
  readonly address: string;
  readonly groups: readonly string[];
  readonly ports: readonly number[];
  readonly subnets: readonly string[];
}

const DEFAULT_PORTS: Record<string, number> = { postgres: 5432, mysql: 3306, mariadb: 3306, redis: 6379, valkey: 6379, memcached: 11211 };

function securityGroupRules(json: TfJson): SgRule[] {
  const rules: SgRule[] = [];
  const protocolOf = (p: unknown) => String(p ?? 'tcp').toLowerCase();
  const push = (address: string, group: string | undefined, direction: 'ingress' | 'egress', r: Record<string, any>, peerKey: string, cidrKeys: string[]) => {
    if (!group) return;
    const protocol = protocolOf(r.protocol ?? r.ip_protocol);
    const all = protocol === '-1' || protocol === 'all';
    rules.push({
      address,
      group,
      direction,
      from: all ? 0 : Number(r.from_port ?? 0),
      to: all ? 65535 : Number(r.to_port ?? 65535),
      allProtocols: all,
      protocol,
      cidrs: cidrKeys.flatMap((k) => list<string>(r[k])),
      peer: reference(r[peerKey]),
      self: r.self === true,
    });
  };
  for (const r of resourcesOf(json, 'aws_security_group_rule')) {
    push(r.address, reference(r.body.security_group_id), r.body.type, r.body, 'source_security_group_id', ['cidr_blocks', 'ipv6_cidr_blocks']);
  }
  for (const g of resourcesOf(json, 'aws_security_group')) {
    for (const direction of ['ingress', 'egress'] as const) {
      for (const r of list(g.body[direction])) {
        for (const peer of list<string>(r.security_groups).length ? list<string>(r.security_groups) : [undefined]) {
          push(g.address, g.address, direction, { ...r, peer }, 'peer', ['cidr_blocks', 'ipv6_cidr_blocks']);
        }
      }
    }
  }
  for (const [type, direction] of [['aws_vpc_security_group_ingress_rule', 'ingress'], ['aws_vpc_security_group_egress_rule', 'egress']] as const) {
    for (const r of resourcesOf(json, type)) {
      push(r.address, reference(r.body.security_group_id), direction, r.body, 'referenced_security_group_id', ['cidr_ipv4', 'cidr_ipv6']);
    }
  }
  return rules;
}

/** The longest prefix (up to a `-`) most resource names share, e.g. `ohmycoins-prod-`; shown once instead of on every node. */
function namePrefix(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const n of new Set(names)) for (let i = n.indexOf('-'); i > 0; i = n.indexOf('-', i + 1)) counts.set(n.slice(0, i + 1), (counts.get(n.slice(0, i + 1)) ?? 0) + 1);
  const common = [...counts].filter(([, c]) => c >= 0.6 * new Set(names).size && c > 1).map(([p]) => p);
  return common.sort((a, b) => b.length - a.length || a.localeCompare(b))[0] ?? '';
}

/**
 * Builds the architecture graph of a synthesized stack, one step after another. The order of the
 * steps is the order of the nodes, clusters and edges in the graph (and so in the DOT and the SVG).
 */
export function buildArchitecture(stack: string, json: TfJson): ArchitectureGraph {
  const b = new GraphBuilder(json);
  const inventory = inventoryOf(b);
  const endpoints = endpointsOf(b, inventory);
  const network = drawNetwork(b, inventory, endpoints);
  const where = locate(b, inventory, network, endpoints);
  drawEdge(b, where);
  drawServices(b, where);
  drawData(b, where);
  drawTraffic(b, where);
  const secretNodes = drawIdentity(b, where);
  drawMonitoring(b);
  drawAutomation(b, secretNodes);
  drawStorage(b);
  drawOthers(b);
  return b.graph(stack);
}

/** The graph being drawn, and the stack it is drawn from: what every step reads and adds to. */
class GraphBuilder {
  readonly nodes = new Map<string, DiagramNode>();
  readonly clusters = new Map<string, DiagramCluster>();
  /** Edges to a node that is never drawn are dropped at the end. */
  readonly edges: DiagramEdge[] = [];
  /** Addresses drawn as a node or folded into a node or edge. */
  readonly shown = new Set<string>();
  readonly resources: ReadonlyMap<string, Addressed>;
  /** The prefix most resource names share (see namePrefix). */
  readonly prefix: string;

  constructor(readonly json: TfJson) {
    this.resources = new Map(allResources(json).map((r) => [r.address, r]));
    this.prefix = namePrefix([...this.resources.values()].filter((r) => givenName(r) !== undefined).map(fullName));
  }

  /** Every resource of a type, sorted by name. */
  of(type: string): Addressed[] {
    return resourcesOf(this.json, type);
  }

  body(address: string | undefined): TfResource | undefined {
    return address ? this.resources.get(address)?.body : undefined;
  }

  addNode(n: DiagramNode): string {
    this.nodes.set(n.id, n);
    if (n.address) this.shown.add(n.address);
    return n.id;
  }

  addCluster(c: DiagramCluster): void {
    this.clusters.set(c.id, c);
  }

  addEdge(e: DiagramEdge): void {
    this.edges.push(e);
  }

  /** Marks addresses as drawn (folded into a node or an edge). */
  show(...addresses: (string | undefined)[]): void {
    addresses.forEach((a) => a && this.shown.add(a));
  }

  /** A resource's name without the shared prefix. */
  nameOf(r: Addressed): string {
    const name = fullName(r);
    return name.slice(name.startsWith(this.prefix) ? this.prefix.length : 0);
  }

  /** The graph, without the internet when nothing is reachable from it and without empty clusters, so nothing floats alone. */
  graph(stack: string): ArchitectureGraph {
    if (!this.edges.some((e) => e.from === INTERNET)) this.nodes.delete(INTERNET);
    const used = new Set<string>();
    for (const n of this.nodes.values()) for (let c = n.cluster; c; c = this.clusters.get(c)?.parent) used.add(c);
    return {
      stack,
      namePrefix: this.prefix,
      nodes: [...this.nodes.values()],
      clusters: [...this.clusters.values()].filter((c) => used.has(c.id)),
      edges: this.edges.filter((e) => this.nodes.has(e.from) && this.nodes.has(e.to)),
    };
  }
}

const givenName = (r: Addressed): unknown => r.body.name ?? r.body.tags?.Name ?? r.body.identifier ?? r.body.replication_group_id ?? r.body.bucket;
const fullName = (r: Addressed) => String(givenName(r) ?? r.name).replace(/^alias\//, '');
const azLetter = (az: string) => az.replace(/^.*\d/, '') || az;
const containers = (t: Addressed | undefined) => list<Record<string, any>>(parseJson(t?.body.container_definitions));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The resources several steps draw or look through, by kind (each sorted by name). */
interface Inventory {
  readonly subnets: readonly Addressed[];
  readonly taskDefinitions: ReadonlyMap<string, Addressed>;
  readonly services: readonly Addressed[];
  readonly databases: readonly Addressed[];
  readonly caches: readonly Addressed[];
  readonly loadBalancers: readonly Addressed[];
  readonly listeners: readonly Addressed[];
  readonly listenerRules: readonly Addressed[];
  readonly targetGroups: readonly Addressed[];
}

function inventoryOf(b: GraphBuilder): Inventory {
  const both = (type: string) => [...b.of(`aws_lb${type}`), ...b.of(`aws_alb${type}`)];
  return {
    subnets: b.of('aws_subnet'),
    taskDefinitions: new Map(b.of('aws_ecs_task_definition').map((t) => [t.address, t])),
    services: b.of('aws_ecs_service'),
    databases: b.of('aws_db_instance'),
    caches: [...b.of('aws_elasticache_replication_group'), ...b.of('aws_elasticache_cluster').filter((c) => !c.body.replication_group_id)],
    loadBalancers: both(''),
    listeners: both('_listener'),
    listenerRules: both('_listener_rule'),
    targetGroups: both('_target_group'),
  };
}

/** Endpoints: load balancers, services, databases, caches, with their groups, ports and the subnets they run in. */
function endpointsOf(b: GraphBuilder, inventory: Inventory): Map<string, Endpoint> {
  const subnetGroup = (ref: unknown) => {
    b.show(reference(ref));
    return references(b.body(reference(ref))?.subnet_ids);
  };
  const endpoints = new Map<string, Endpoint>();
  const add = (address: string, groups: unknown, ports: number[], subnets: string[]) => endpoints.set(address, { address, groups: references(groups), ports, subnets });
  for (const lb of inventory.loadBalancers) {
    const ports = inventory.listeners.filter((l) => reference(l.body.load_balancer_arn) === lb.address).map((l) => Number(l.body.port));
    add(lb.address, lb.body.security_groups, ports, references(lb.body.subnets));
  }
  for (const s of inventory.services) {
    const task = inventory.taskDefinitions.get(reference(s.body.task_definition) ?? '');
    const ports = [
      ...list(s.body.load_balancer).map((l) => Number(l.container_port)),
      ...containers(task).flatMap((c) => list(c.portMappings).map((p) => Number(p.containerPort))),
    ];
    const net = list(s.body.network_configuration)[0] ?? {};
    add(s.address, net.security_groups, [...new Set(ports)].sort((x, y) => x - y), references(net.subnets));
  }
  for (const d of inventory.databases) {
    add(d.address, d.body.vpc_security_group_ids, [Number(d.body.port ?? DEFAULT_PORTS[String(d.body.engine)] ?? 0)], subnetGroup(d.body.db_subnet_group_name));
  }
  for (const c of inventory.caches) {
    add(c.address, c.body.security_group_ids, [Number(c.body.port ?? DEFAULT_PORTS[String(c.body.engine ?? 'redis')] ?? 0)], subnetGroup(c.body.subnet_group_name));
  }
  return endpoints;
}

// --- network: VPCs, availability zones, subnets, gateways, routes

/** Where the network step put things, for the steps after it. */
interface Network {
  /** The availability-zone cluster of each subnet. */
  readonly azOfSubnet: ReadonlyMap<string, string>;
  /** The VPC cluster a `vpc_id` refers to, when that VPC is drawn. */
  vpcCluster(ref: unknown): string | undefined;
  /** The gateway a subnet's default route goes to. */
  defaultRoute(subnet: string): string | undefined;
}

function drawNetwork(b: GraphBuilder, inventory: Inventory, endpoints: ReadonlyMap<string, Endpoint>): Network {
  const defaultRoute = defaultRoutes(b);
  for (const vpc of b.of('aws_vpc')) {
    b.addCluster({ id: nodeId(vpc.address), kind: 'vpc', title: `VPC ${vpc.body.tags?.Name ?? vpc.name} · ${vpc.body.cidr_block ?? ''}`.trim() });
    b.show(vpc.address);
  }
  const vpcCluster = (ref: unknown) => {
    const id = reference(ref);
    return id && b.clusters.has(nodeId(id)) ? nodeId(id) : undefined;
  };
  const azOfSubnet = new Map<string, string>();
  for (const s of inventory.subnets) {
    const az = String(s.body.availability_zone ?? 'unknown zone');
    const vpc = vpcCluster(s.body.vpc_id);
    const cluster = `${vpc ?? 'novpc'}__az_${az.replace(/[^A-Za-z0-9]/g, '_')}`;
    if (!b.clusters.has(cluster)) b.addCluster({ id: cluster, kind: 'az', title: `availability zone ${az}`, parent: vpc });
    azOfSubnet.set(s.address, cluster);
  }
  const network: Network = { azOfSubnet, vpcCluster, defaultRoute };
  drawGateways(b, network);
  drawSubnets(b, inventory, network, endpoints);
  return network;
}

/** The gateway each subnet's default route goes to, from the route tables (route resources or inline routes) and their associations. */
function defaultRoutes(b: GraphBuilder): (subnet: string) => string | undefined {
  const routeTables = new Map<string, { target: string; destination: string; address: string }[]>();
  const addRoute = (table: string | undefined, destination: unknown, target: string | undefined, address: string) => {
    if (!table || !target || typeof destination !== 'string') return;
    routeTables.set(table, [...(routeTables.get(table) ?? []), { target, destination, address }]);
  };
  for (const r of b.of('aws_route')) {
    addRoute(reference(r.body.route_table_id), r.body.destination_cidr_block, reference(r.body.gateway_id ?? r.body.nat_gateway_id), r.address);
  }
  for (const t of b.of('aws_route_table')) {
    for (const r of list(t.body.route)) addRoute(t.address, r.cidr_block, reference(r.gateway_id ?? r.nat_gateway_id), t.address);
  }
  const tableOf = new Map<string, string>();
  for (const a of b.of('aws_route_table_association')) {
    const subnet = reference(a.body.subnet_id);
    const table = reference(a.body.route_table_id);
    if (subnet && table) tableOf.set(subnet, table);
    b.show(a.address, table);
  }
  return (subnet) => {
    const table = tableOf.get(subnet);
    const route = (table ? routeTables.get(table) ?? [] : []).find((r) => ANYWHERE.includes(r.destination));
    if (route) b.show(route.address);
    return route?.target;
  };
}

/** Internet and NAT gateways, and the VPC flow logs. */
function drawGateways(b: GraphBuilder, network: Network): void {
  for (const igw of b.of('aws_internet_gateway')) {
    b.addNode({ id: nodeId(igw.address), kind: 'gateway', title: 'internet gateway', details: [], cluster: network.vpcCluster(igw.body.vpc_id), address: igw.address });
  }
  for (const nat of b.of('aws_nat_gateway')) {
    const subnet = reference(nat.body.subnet_id);
    const eip = reference(nat.body.allocation_id);
    b.show(eip);
    const cluster = subnet ? network.azOfSubnet.get(subnet) : undefined;
    b.addNode({ id: nodeId(nat.address), kind: 'nat', title: 'NAT gateway', details: [eip ? 'Elastic IP' : 'private NAT'], cluster, address: nat.address });
  }
  for (const f of b.of('aws_flow_log')) {
    b.show(reference(f.body.log_destination));
    b.addNode({
      id: nodeId(f.address),
      kind: 'other',
      title: 'VPC flow logs',
      details: [`${f.body.traffic_type ?? 'ALL'} traffic → ${f.body.log_destination_type ?? 'cloud-watch-logs'}`],
      cluster: network.vpcCluster(f.body.vpc_id),
      address: f.address,
    });
  }
}

/** Subnets: their tier comes from what runs in them, else from their default route (an edge). */
function drawSubnets(b: GraphBuilder, inventory: Inventory, network: Network, endpoints: ReadonlyMap<string, Endpoint>): void {
  const hosted = (kinds: readonly Addressed[]) => new Set(kinds.flatMap((k) => endpoints.get(k.address)?.subnets ?? []));
  const dataSubnets = hosted([...inventory.databases, ...inventory.caches]);
  const appSubnets = hosted(inventory.services);
  for (const s of inventory.subnets) {
    const gateway = network.defaultRoute(s.address);
    const viaIgw = gateway?.startsWith('aws_internet_gateway.');
    const tier = dataSubnets.has(s.address) ? 'database' : appSubnets.has(s.address) ? 'application' : viaIgw ? 'public' : 'private';
    const zone = network.azOfSubnet.get(s.address);
    // The route itself is an edge; the details say what an edge cannot: no route, or a NAT gateway in another zone.
    const route = !gateway ? 'no route to the internet' : viaIgw || b.nodes.get(nodeId(gateway))?.cluster === zone ? '' : 'egress via a NAT gateway in another zone';
    b.addNode({ id: nodeId(s.address), kind: 'subnet', title: `${tier} subnet ${s.body.cidr_block ?? ''}`.trim(), details: route ? [route] : [], cluster: zone, address: s.address });
    if (gateway) b.addEdge({ from: nodeId(s.address), to: nodeId(gateway), kind: 'route', label: '0.0.0.0/0' });
  }
}

// --- where the endpoints are, and what the security groups let reach them

/** What the steps after the network read: the inventory, the endpoints, where they run and who may reach them. */
interface Located extends Inventory {
  readonly endpoints: ReadonlyMap<string, Endpoint>;
  /** The first VPC drawn, for what runs outside any known subnet. */
  readonly firstVpc: string | undefined;
  /** The VPC cluster an endpoint runs in. */
  vpcOf(e: Endpoint): string | undefined;
  /** E.g. `application subnets in a, b` (none when its subnets are not drawn). */
  placement(e: Endpoint): string[];
  /** The ingress rules letting `source` (or the internet) reach `target` on `port`, or none when either side's rules refuse it. */
  openedBy(source: Endpoint | typeof INTERNET, target: Endpoint, port: number): string[];
  /** From the internet, a connection also needs the target to sit in a subnet routed to an internet gateway. */
  internetFacing(e: Endpoint): boolean;
}

function locate(b: GraphBuilder, inventory: Inventory, network: Network, endpoints: ReadonlyMap<string, Endpoint>): Located {
  const rules = securityGroupRules(b.json);
  rules.forEach((r) => b.show(r.address, r.group));
  const cidrOf = new Map(inventory.subnets.map((s) => [s.address, parseCidr(s.body.cidr_block)]));
  const publicSubnet = (s: string) => network.defaultRoute(s)?.startsWith('aws_internet_gateway.') ?? false;
  const firstVpc = [...b.clusters.values()].find((c) => c.kind === 'vpc')?.id;
  return {
    ...inventory,
    endpoints,
    firstVpc,
    vpcOf: (e) => e.subnets.map((s) => network.vpcCluster(b.body(s)?.vpc_id)).find(Boolean) ?? firstVpc,
    placement: (e) => {
      const zones = [...new Set(e.subnets.map((s) => b.clusters.get(network.azOfSubnet.get(s) ?? '')?.title.replace('availability zone ', '')).filter(Boolean))] as string[];
      if (zones.length === 0) return [];
      const tiers = [...new Set(e.subnets.map((s) => b.nodes.get(nodeId(s))?.title.split(' ')[0]))];
      return [`${tiers.join('/')} subnets in ${zones.map(azLetter).join(', ')}`];
    },
    openedBy: (source, target, port) => openedBy(rules, cidrOf, source, target, port),
    internetFacing: (e) => {
      const body = b.body(e.address);
      const publicIp = e.address.startsWith('aws_ecs_service.') ? list(body?.network_configuration)[0]?.assign_public_ip === true : body?.publicly_accessible !== false;
      return e.subnets.some(publicSubnet) && body?.internal !== true && publicIp;
    },
  };
}

type SubnetCidrs = ReadonlyMap<string, Ipv4Range | undefined>;

const portIn = (r: SgRule, port: number) => (r.allProtocols || r.protocol === 'tcp' || r.protocol === '6') && port >= r.from && port <= r.to;

/** Whether the CIDR blocks cover the internet or one of the subnets. */
function cidrCovers(cidrs: readonly string[], subnets: readonly string[], cidrOf: SubnetCidrs): boolean {
  return cidrs.some(
    (c) =>
      ANYWHERE.includes(c) ||
      subnets.some((s) => {
        const outer = parseCidr(c);
        const inner = cidrOf.get(s);
        return outer && inner ? cidrContains(outer, inner) : false;
      }),
  );
}

/** Whether a rule names the other end: by its group, as `self`, or by a CIDR block covering its subnets. */
const names = (r: SgRule, other: Endpoint, cidrOf: SubnetCidrs) =>
  (r.peer !== undefined && other.groups.includes(r.peer)) || (r.self && other.groups.includes(r.group)) || cidrCovers(r.cidrs, other.subnets, cidrOf);

function openedBy(rules: readonly SgRule[], cidrOf: SubnetCidrs, source: Endpoint | typeof INTERNET, target: Endpoint, port: number): string[] {
  const ingress = rules
    .filter((r) => r.direction === 'ingress' && target.groups.includes(r.group) && portIn(r, port))
    .filter((r) => (source === INTERNET ? r.cidrs.some((c) => ANYWHERE.includes(c)) : names(r, source, cidrOf)));
  if (ingress.length === 0) return [];
  if (source !== INTERNET && !rules.some((r) => r.direction === 'egress' && source.groups.includes(r.group) && portIn(r, port) && names(r, target, cidrOf))) return [];
  return [...new Set(ingress.map((r) => r.address))].sort();
}

// --- edge: the internet, load balancers, their listeners (nodes), rules (edges) and target groups (nodes)

function drawEdge(b: GraphBuilder, at: Located): void {
  b.addNode({ id: INTERNET, kind: 'internet', title: 'internet', details: [] });
  for (const lb of at.loadBalancers) drawLoadBalancer(b, at, lb);
  for (const l of at.listeners) drawActions(b, at, nodeId(l.address), l.body.default_action, 'default', l);
  for (const r of [...at.listenerRules].sort((x, y) => Number(x.body.priority ?? 0) - Number(y.body.priority ?? 0))) {
    const listener = b.resources.get(reference(r.body.listener_arn) ?? '');
    if (!listener) continue;
    b.show(r.address);
    const when = list<Record<string, any>>(r.body.condition).map(conditionText).join(' and ');
    drawActions(b, at, nodeId(listener.address), r.body.action, `${when}${r.body.priority !== undefined ? ` (rule ${r.body.priority})` : ''}`, listener);
  }
}

const listenersOf = (at: Located, lb: string) => at.listeners.filter((l) => reference(l.body.load_balancer_arn) === lb);

/** The target groups a load balancer's listeners name in a default action or a rule's action. */
function targetGroupsReachedBy(at: Located, lb: string): string[] {
  return listenersOf(at, lb).flatMap((l) => [
    ...references(l.body.default_action),
    ...at.listenerRules.filter((r) => reference(r.body.listener_arn) === l.address).flatMap((r) => references(r.body.action)),
  ]);
}

/** A load balancer's cluster: its listeners (with the internet traffic they take) and its target groups. */
function drawLoadBalancer(b: GraphBuilder, at: Located, lb: Addressed): void {
  const endpoint = at.endpoints.get(lb.address)!;
  const cluster = nodeId(lb.address);
  b.show(lb.address);
  const title = `load balancer ${b.nameOf(lb)} · ${lb.body.internal ? 'internal' : 'internet-facing'} · ${at.placement(endpoint).join('')}`;
  b.addCluster({ id: cluster, kind: 'load-balancer', title, parent: at.vpcOf(endpoint) });
  for (const l of listenersOf(at, lb.address)) {
    const details = [l.body.ssl_policy ? `TLS policy ${String(l.body.ssl_policy).replace(/^ELBSecurityPolicy-/, '')}` : '', l.body.certificate_arn ? 'certificate attached' : ''].filter(Boolean);
    b.addNode({ id: nodeId(l.address), kind: 'listener', title: `listener ${l.body.protocol ?? ''} :${l.body.port}`, details, cluster, address: l.address });
    const port = Number(l.body.port);
    const opened = at.internetFacing(endpoint) ? at.openedBy(INTERNET, endpoint, port) : [];
    if (opened.length > 0) b.addEdge({ from: INTERNET, to: nodeId(l.address), kind: 'traffic', label: `:${port}`, ports: [port], rules: opened, between: [INTERNET, lb.address] });
  }
  const reached = targetGroupsReachedBy(at, lb.address);
  for (const tg of at.targetGroups.filter((t) => reached.includes(t.address))) {
    const hc = list(tg.body.health_check)[0];
    b.addNode({
      id: nodeId(tg.address),
      kind: 'target-group',
      title: `target group ${b.nameOf(tg)}`,
      details: [`${tg.body.protocol ?? ''} :${tg.body.port} · ${tg.body.target_type ?? 'instance'} targets`, hc?.path ? `health ${hc.path}` : ''].filter(Boolean),
      cluster,
      address: tg.address,
    });
  }
}

/** A listener rule's condition in words. */
function conditionText(c: Record<string, any>): string {
  const values = (v: any) => list<string>(v?.values).join(', ');
  if (c.host_header) return `host ${values(c.host_header)}`;
  if (c.path_pattern) return `path ${values(c.path_pattern)}`;
  if (c.http_header) return `header ${c.http_header.http_header_name} ${values(c.http_header)}`;
  if (c.http_request_method) return `method ${values(c.http_request_method)}`;
  if (c.source_ip) return `source ${values(c.source_ip)}`;
  return Object.keys(c).join(', ');
}

/** A listener's (default or rule) actions as edges: forward to target groups, redirect to another listener. */
function drawActions(b: GraphBuilder, at: Located, from: string, actions: unknown, label: string, listenerOf: Addressed): void {
  for (const a of list<Record<string, any>>(actions)) {
    if (a.type === 'forward') {
      for (const tg of references([a.target_group_arn, a.forward])) b.addEdge({ from, to: nodeId(tg), kind: 'forward', label });
    } else if (a.type === 'redirect') {
      const r = list(a.redirect)[0] ?? {};
      const target = at.listeners.find((l) => l.body.load_balancer_arn === listenerOf.body.load_balancer_arn && String(l.body.port) === String(r.port ?? listenerOf.body.port));
      if (target && target.address !== listenerOf.address) {
        b.addEdge({ from, to: nodeId(target.address), kind: 'redirect', label: `${label === 'default' ? '' : `${label}: `}redirect ${String(r.status_code ?? '').replace('HTTP_', '')}`.trim() });
      }
    }
  }
}

// --- services: ECS clusters and services (with their scaling)

function drawServices(b: GraphBuilder, at: Located): void {
  for (const c of b.of('aws_ecs_cluster')) {
    const insights = list(c.body.setting).some((s) => s.name === 'containerInsights' && s.value === 'enabled');
    const parent = at.services.filter((s) => reference(s.body.cluster) === c.address).map((s) => at.vpcOf(at.endpoints.get(s.address)!)).find(Boolean) ?? at.firstVpc;
    b.addCluster({ id: nodeId(c.address), kind: 'ecs', title: `ECS cluster${b.nameOf(c) === 'cluster' ? '' : ` ${b.nameOf(c)}`}${insights ? ' · Container Insights' : ''}`, parent });
    b.show(c.address);
  }
  const scaling = new Map(b.of('aws_appautoscaling_target').flatMap((t) => references(t.body.resource_id).filter((a) => a.startsWith('aws_ecs_service.')).map((a) => [a, t] as const)));
  for (const s of at.services) {
    const task = at.taskDefinitions.get(reference(s.body.task_definition) ?? '');
    b.show(task?.address);
    const target = scaling.get(s.address);
    if (target) b.show(target.address, ...b.of('aws_appautoscaling_policy').filter((p) => references(p.body).includes(target.address)).map((p) => p.address));
    const size = task?.body.cpu ? `${s.body.launch_type === 'FARGATE' ? 'Fargate ' : ''}${Number(task.body.cpu) / 1024} vCPU · ${Number(task.body.memory ?? 0) / 1024} GiB` : String(s.body.launch_type ?? '');
    const count = target ? `${target.body.min_capacity}-${target.body.max_capacity} tasks (autoscaled)` : `${s.body.desired_count ?? 1} task${Number(s.body.desired_count ?? 1) === 1 ? '' : 's'}`;
    const image = containers(task).map((c) => `${c.name}${list(c.portMappings).length ? ` :${list(c.portMappings).map((p) => p.containerPort).join(', :')}` : ''}`);
    const endpoint = at.endpoints.get(s.address)!;
    b.addNode({
      id: nodeId(s.address),
      kind: 'service',
      title: `service ${b.nameOf(s)}`,
      details: [`container ${image.join(', ')}`, `${size} · ${count}`, ...at.placement(endpoint)],
      cluster: reference(s.body.cluster) ? nodeId(reference(s.body.cluster)!) : at.vpcOf(endpoint),
      address: s.address,
      subnets: endpoint.subnets.map(nodeId),
    });
  }
}

// --- data: databases and caches

function drawData(b: GraphBuilder, at: Located): void {
  for (const d of at.databases) {
    const e = at.endpoints.get(d.address)!;
    b.show(reference(d.body.parameter_group_name));
    const storage = `${d.body.allocated_storage ?? '?'}${d.body.max_allocated_storage ? `-${d.body.max_allocated_storage}` : ''} GiB ${d.body.storage_type ?? ''}`;
    b.addNode({
      id: nodeId(d.address),
      kind: 'database',
      title: `RDS ${b.nameOf(d)}`,
      details: [
        `${d.body.engine ?? ''} ${d.body.engine_version ?? ''} · ${d.body.instance_class ?? ''}`,
        `${d.body.multi_az ? 'Multi-AZ' : 'single-AZ'}${d.body.storage_encrypted ? ' · encrypted' : ''}${d.body.publicly_accessible ? ' · PUBLIC' : ''}`,
        `${storage} · backups ${d.body.backup_retention_period ?? 0} d`.replace(/\s+/g, ' '),
        ...at.placement(e),
      ],
      cluster: at.vpcOf(e),
      address: d.address,
      subnets: e.subnets.map(nodeId),
    });
  }
  for (const c of at.caches) {
    const e = at.endpoints.get(c.address)!;
    b.show(reference(c.body.parameter_group_name));
    const count = Number(c.body.num_cache_clusters ?? c.body.num_cache_nodes ?? 1);
    const features = [c.body.multi_az_enabled ? 'Multi-AZ' : '', c.body.automatic_failover_enabled ? 'failover' : '', c.body.transit_encryption_enabled ? 'TLS' : 'no TLS', c.body.auth_token ? 'AUTH' : ''].filter(Boolean);
    b.addNode({
      id: nodeId(c.address),
      kind: 'cache',
      title: `ElastiCache ${b.nameOf(c)}`,
      details: [`${c.body.engine ?? 'redis'} ${c.body.engine_version ?? ''} · ${c.body.node_type ?? ''} × ${count}`, features.join(' · '), ...at.placement(e)],
      cluster: at.vpcOf(e),
      address: c.address,
      subnets: e.subnets.map(nodeId),
    });
  }
}

// --- traffic between endpoints, as the security groups allow it

function drawTraffic(b: GraphBuilder, at: Located): void {
  // A load balancer reaches a service through its target groups.
  for (const s of at.services) {
    for (const l of list(s.body.load_balancer)) {
      const tg = reference(l.target_group_arn);
      const port = Number(l.container_port);
      const lb = tg ? at.loadBalancers.find((x) => targetGroupsReachedBy(at, x.address).includes(tg)) : undefined;
      if (!tg || !lb) continue;
      const opened = at.openedBy(at.endpoints.get(lb.address)!, at.endpoints.get(s.address)!, port);
      if (opened.length > 0) b.addEdge({ from: nodeId(tg), to: nodeId(s.address), kind: 'traffic', label: `:${port}`, ports: [port], rules: opened, between: [lb.address, s.address] });
    }
  }
  // Services and data stores, from the internet, the load balancers and the services (not from themselves).
  const endpoint = (r: Addressed) => at.endpoints.get(r.address)!;
  const sources: (Endpoint | typeof INTERNET)[] = [INTERNET, ...at.loadBalancers.map(endpoint), ...at.services.map(endpoint)];
  for (const target of [...at.services, ...at.databases, ...at.caches].map(endpoint)) {
    for (const source of sources) drawConnection(b, at, source, target);
  }
}

/** The traffic edge from `source` to `target`, on every port of the target the security groups open. */
function drawConnection(b: GraphBuilder, at: Located, source: Endpoint | typeof INTERNET, target: Endpoint): void {
  if (source === INTERNET ? !at.internetFacing(target) : source.address === target.address) return;
  // A load balancer reaches a service through its target groups (drawn above).
  if (source !== INTERNET && target.address.startsWith('aws_ecs_service.') && at.loadBalancers.some((lb) => lb.address === source.address)) return;
  const open = target.ports.map((port) => ({ port, rules: at.openedBy(source, target, port) })).filter((p) => p.rules.length > 0);
  if (open.length === 0) return;
  const from =
    source === INTERNET ? INTERNET : b.nodes.has(nodeId(source.address)) ? nodeId(source.address) : nodeId(listenersOf(at, source.address)[0]?.address ?? source.address);
  b.addEdge({
    from,
    to: nodeId(target.address),
    kind: 'traffic',
    label: open.map((p) => `:${p.port}`).join(', '),
    ports: open.map((p) => p.port),
    rules: [...new Set(open.flatMap((p) => p.rules))].sort(),
    between: [source === INTERNET ? INTERNET : source.address, target.address],
  });
}

// --- identity: secrets, and the IAM roles with who assumes them and which secrets they may read

/** The secret nodes a value (an ARN, a list of them, `${...}` references) stands for. */
type SecretNodes = (value: unknown) => string[];

function drawIdentity(b: GraphBuilder, at: Located): SecretNodes {
  const secretNodes = drawSecrets(b, at);
  b.addCluster({ id: 'iam', kind: 'iam', title: 'IAM roles' });
  for (const role of b.of('aws_iam_role')) drawRole(b, at, role, secretNodes);
  for (const o of b.of('aws_iam_openid_connect_provider')) {
    if (!b.shown.has(o.address)) continue;
    b.nodes.forEach((n, k) => n.kind === 'github' && b.nodes.set(k, { ...n, details: [...n.details, 'OIDC provider created in this stack'] }));
  }
  return secretNodes;
}

const masterSecretId = (db: string) => `${nodeId(db)}__master_user_secret`;

/** Secrets Manager: the secrets of the stack and the master passwords RDS manages. */
function drawSecrets(b: GraphBuilder, at: Located): SecretNodes {
  const cluster = 'secrets';
  b.addCluster({ id: cluster, kind: 'secrets', title: 'Secrets Manager' });
  for (const s of b.of('aws_secretsmanager_secret')) {
    const versions = b.of('aws_secretsmanager_secret_version').filter((v) => reference(v.body.secret_id) === s.address);
    const rotation = b.of('aws_secretsmanager_secret_rotation').filter((r) => reference(r.body.secret_id) === s.address);
    b.show(...versions.map((v) => v.address), ...rotation.map((r) => r.address));
    b.addNode({
      id: nodeId(s.address),
      kind: 'secret',
      title: `secret ${b.nameOf(s)}`,
      details: [versions.length ? 'value set by Terraform (sensitive variable)' : 'value set outside Terraform', rotation.length ? 'rotated' : ''].filter(Boolean),
      cluster,
      address: s.address,
    });
  }
  for (const d of at.databases.filter((x) => x.body.manage_master_user_password)) {
    b.addNode({ id: masterSecretId(d.address), kind: 'secret', title: `master password of ${b.nameOf(d)}`, details: ['managed and rotated by RDS'], cluster });
  }
  return (value) =>
    list<string>(value).flatMap((r) => {
      const master = masterSecretOf(b, String(r));
      if (master) return [masterSecretId(master)];
      const ref = reference(r);
      return ref?.startsWith('aws_secretsmanager_secret.') ? [nodeId(ref)] : [];
    });
}

/**
 * The database whose master secret an expression names. A value may reach the master secret through
 * a terraform_data relay (the database construct passes the ARN through one so that the first plan
 * against a legacy state does not index an empty list).
 */
function masterSecretOf(b: GraphBuilder, expression: string): string | undefined {
  const direct = /\$\{(aws_db_instance\.[A-Za-z0-9_-]+)\.master_user_secret/.exec(expression);
  if (direct) return direct[1];
  const relay = /\$\{(terraform_data\.[A-Za-z0-9_-]+)\.output\b/.exec(expression);
  const input = relay ? b.body(relay[1])?.input : undefined;
  return input === undefined ? undefined : masterSecretOf(b, JSON.stringify(input));
}

/** A role: who trusts it (services, web identities), who assumes it, and which secrets it may read. */
function drawRole(b: GraphBuilder, at: Located, role: Addressed, secretNodes: SecretNodes): void {
  const id = nodeId(role.address);
  const statements = list<Record<string, any>>(parseJson(role.body.assume_role_policy)?.Statement);
  const servicePrincipals = statements.flatMap((s) => list<string>(s.Principal?.Service));
  const policies = [...b.of('aws_iam_role_policy'), ...b.of('aws_iam_role_policy_attachment')].filter((p) => reference(p.body.role) === role.address);
  b.show(...policies.map((p) => p.address));
  const managed = policies.map((p) => String(p.body.policy_arn ?? '')).filter(Boolean).map((arn) => arn.split('/').pop() ?? arn);
  b.addNode({
    id,
    kind: 'role',
    title: `role ${b.nameOf(role)}`,
    details: [servicePrincipals.length ? `trusts ${servicePrincipals.join(', ')}` : '', ...managed.map((m) => `+ ${m}`)].filter(Boolean),
    cluster: 'iam',
    address: role.address,
  });
  for (const a of assumers(b, at, role.address)) b.addEdge({ from: a.node, to: id, kind: 'assumes', label: a.label });
  for (const s of statements.filter((x) => x.Principal?.Federated)) drawWebIdentity(b, id, s);
  for (const p of policies) {
    for (const st of list<Record<string, any>>(parseJson(p.body.policy)?.Statement)) {
      const actions = list<string>(st.Action);
      if (st.Effect !== 'Allow' || !actions.some((a) => /^secretsmanager:(GetSecretValue|\*)$/.test(a) || a === '*')) continue;
      for (const secret of secretNodes(st.Resource)) b.addEdge({ from: id, to: secret, kind: 'reads' });
    }
  }
}

/** The nodes that assume a role through a `*role_arn` attribute (a task definition's role: its services). */
function assumers(b: GraphBuilder, at: Located, role: string): { node: string; label: string }[] {
  const found: { node: string; label: string }[] = [];
  for (const r of b.resources.values()) {
    for (const [attribute, value] of Object.entries(r.body)) {
      if (!references(value).includes(role) || !/role_arn$/.test(attribute)) continue;
      const label = attribute.replace(/_arn$/, '').replace(/_/g, ' ');
      if (r.type === 'aws_ecs_task_definition') at.services.filter((s) => reference(s.body.task_definition) === r.address).forEach((s) => found.push({ node: nodeId(s.address), label }));
      else if (r.type === 'aws_cloudwatch_event_target') found.push({ node: nodeId(reference(r.body.rule) ?? ''), label: 'runs as' });
      else found.push({ node: nodeId(r.address), label: attribute === 'role_arn' ? 'runs as' : label });
    }
  }
  return found;
}

/** The web identity (GitHub Actions through OIDC, or another provider) a trust statement lets assume the role. */
function drawWebIdentity(b: GraphBuilder, role: string, statement: Record<string, any>): void {
  const federated = String(statement.Principal.Federated);
  const url = String(b.body(reference(federated))?.url ?? federated);
  const conditions = Object.values<Record<string, unknown>>(statement.Condition ?? {}).flatMap((c) => Object.entries(c));
  const subjects = conditions.filter(([k]) => k.endsWith(':sub')).flatMap(([, v]) => list<string>(v));
  const github = url.includes('token.actions.githubusercontent.com') || conditions.some(([k]) => k.startsWith('token.actions.githubusercontent.com'));
  const who = `${role}__web_identity`;
  b.show(reference(federated));
  b.addNode({ id: who, kind: 'github', title: github ? 'GitHub Actions (OIDC)' : `web identity ${url}`, details: subjects.map((x) => `subject ${x}`) });
  b.addEdge({ from: who, to: role, kind: 'assumes', label: 'AssumeRoleWithWebIdentity' });
}

// --- monitoring: alarms and the topic they notify

/** Counts of a key over items, sorted by key, e.g. `email` → 2. */
function countBy<T>(items: readonly T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  items.forEach((i) => counts.set(key(i), (counts.get(key(i)) ?? 0) + 1));
  return [...counts].sort();
}

function drawMonitoring(b: GraphBuilder): void {
  const cluster = 'monitoring';
  b.addCluster({ id: cluster, kind: 'monitoring', title: 'monitoring' });
  const alarms = b.of('aws_cloudwatch_metric_alarm');
  for (const t of b.of('aws_sns_topic')) {
    const subscriptions = b.of('aws_sns_topic_subscription').filter((s) => reference(s.body.topic_arn) === t.address);
    b.show(...subscriptions.map((s) => s.address));
    const byProtocol = countBy(subscriptions, (s) => String(s.body.protocol));
    b.addNode({
      id: nodeId(t.address),
      kind: 'topic',
      title: `SNS topic ${b.nameOf(t)}`,
      details: [byProtocol.length ? byProtocol.map(([p, n]) => plural(n, `${p} subscription`)).join(', ') : 'no subscriptions', t.body.kms_master_key_id ? 'encrypted with KMS' : ''].filter(Boolean),
      cluster,
      address: t.address,
    });
    const feeding = alarms.filter((a) => references([a.body.alarm_actions, a.body.ok_actions]).includes(t.address));
    if (feeding.length === 0) continue;
    b.show(...feeding.map((a) => a.address));
    const alarmsId = `${nodeId(t.address)}__alarms`;
    const byNamespace = countBy(feeding, (a) => String(a.body.namespace ?? 'metric math'));
    b.addNode({ id: alarmsId, kind: 'alarms', title: plural(feeding.length, 'CloudWatch alarm'), details: byNamespace.map(([ns, n]) => `${ns.replace(/^AWS\//, '')} ${n}`), cluster });
    const okToo = feeding.every((a) => references(a.body.ok_actions).includes(t.address));
    b.addEdge({ from: alarmsId, to: nodeId(t.address), kind: 'notifies', label: okToo ? 'ALARM and OK' : 'ALARM' });
  }
}

// --- automation: EventBridge rules and the state machines they start (the rotation redeploy)

function drawAutomation(b: GraphBuilder, secretNodes: SecretNodes): void {
  const eventRules = b.of('aws_cloudwatch_event_rule');
  const machines = b.of('aws_sfn_state_machine');
  if (eventRules.length + machines.length > 0) b.addCluster({ id: 'events', kind: 'rotation', title: 'event-driven automation' });
  for (const r of eventRules) {
    const pattern = parseJson(r.body.event_pattern) ?? {};
    const events = list<string>(pattern.detail?.eventName ?? pattern['detail-type']);
    const details = events.length ? [`on ${events.join(', ')}`] : r.body.schedule_expression ? [String(r.body.schedule_expression)] : [];
    b.addNode({ id: nodeId(r.address), kind: 'event-rule', title: `EventBridge rule ${b.nameOf(r)}`, details, cluster: 'events', address: r.address });
    for (const secret of secretNodes(JSON.stringify(pattern).match(/\$\{[^}]+\}/g) ?? [])) b.addEdge({ from: secret, to: nodeId(r.address), kind: 'triggers', label: events.join(', ') || 'event' });
  }
  for (const m of machines) {
    const definition = parseJson(m.body.definition) ?? {};
    const tasks = Object.values<Record<string, any>>(definition.States ?? {}).filter((s) => s.Type === 'Task');
    b.addNode({
      id: nodeId(m.address),
      kind: 'state-machine',
      title: `Step Functions ${b.nameOf(m)}`,
      details: tasks.map((t) => String(t.Resource ?? '').replace(/^arn:aws:states:::(aws-sdk:)?/, '')),
      cluster: 'events',
      address: m.address,
    });
    const forced = tasks.some((t) => t.Parameters?.ForceNewDeployment === true);
    for (const s of references(m.body.definition).filter((a) => a.startsWith('aws_ecs_service.'))) {
      b.addEdge({ from: nodeId(m.address), to: nodeId(s), kind: 'redeploys', label: forced ? 'force new deployment' : 'update service' });
    }
  }
  for (const t of b.of('aws_cloudwatch_event_target')) {
    b.show(t.address);
    const target = reference(t.body.arn);
    if (target) b.addEdge({ from: nodeId(reference(t.body.rule) ?? ''), to: nodeId(target), kind: 'triggers', label: 'starts' });
  }
}

// --- storage: state and data stores outside the VPC: KMS keys, S3 buckets (with their settings), DynamoDB tables

function drawStorage(b: GraphBuilder): void {
  b.addCluster({ id: 'storage', kind: 'storage', title: 'storage and keys' });
  for (const k of b.of('aws_kms_key')) {
    const aliases = b.of('aws_kms_alias').filter((a) => reference(a.body.target_key_id) === k.address);
    b.show(...aliases.map((a) => a.address));
    b.addNode({
      id: nodeId(k.address),
      kind: 'key',
      title: `KMS key ${aliases.length ? aliases.map((a) => b.nameOf(a)).join(', ') : k.name}`,
      details: [k.body.enable_key_rotation ? 'yearly rotation' : 'no rotation', k.body.lifecycle?.prevent_destroy ? 'prevent_destroy' : ''].filter(Boolean),
      cluster: 'storage',
      address: k.address,
    });
  }
  for (const bucket of b.of('aws_s3_bucket')) drawBucket(b, bucket);
  for (const t of b.of('aws_dynamodb_table')) {
    const protection = [list(t.body.point_in_time_recovery)[0]?.enabled ? 'point-in-time recovery' : '', t.body.deletion_protection_enabled ? 'deletion protection' : ''];
    b.addNode({
      id: nodeId(t.address),
      kind: 'table',
      title: `DynamoDB table ${b.nameOf(t)}`,
      details: [`${t.body.billing_mode ?? 'PROVISIONED'} · key ${t.body.hash_key ?? ''}`, protection.filter(Boolean).join(' · ')].filter(Boolean),
      cluster: 'storage',
      address: t.address,
    });
  }
  for (const topic of b.of('aws_sns_topic')) {
    const key = reference(topic.body.kms_master_key_id);
    if (key) b.addEdge({ from: nodeId(key), to: nodeId(topic.address), kind: 'encrypts', label: 'encrypts' });
  }
}

/** A bucket with what its aws_s3_bucket_* resources set: versioning, encryption, public access, policy, lifecycle. */
function drawBucket(b: GraphBuilder, bucket: Addressed): void {
  const settings = allResources(b.json).filter((r) => r.type.startsWith('aws_s3_bucket_') && reference(r.body.bucket) === bucket.address);
  b.show(...settings.map((r) => r.address));
  const of = (type: string) => settings.find((r) => r.type === type)?.body;
  const sse = list(of('aws_s3_bucket_server_side_encryption_configuration')?.rule).map((r) => list(r.apply_server_side_encryption_by_default)[0] ?? {})[0];
  const block = of('aws_s3_bucket_public_access_block');
  const policy = list<Record<string, any>>(parseJson(of('aws_s3_bucket_policy')?.policy)?.Statement).map((st) => st.Sid).filter(Boolean);
  const lifecycle = list(of('aws_s3_bucket_lifecycle_configuration')?.rule).length;
  b.addNode({
    id: nodeId(bucket.address),
    kind: 'bucket',
    title: `S3 bucket ${b.nameOf(bucket)}`,
    details: [
      `versioning ${list(of('aws_s3_bucket_versioning')?.versioning_configuration)[0]?.status ?? 'off'}${sse ? ` · ${sse.sse_algorithm}` : ''}`,
      block && ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every((k) => block[k]) ? 'public access blocked' : 'public access NOT blocked',
      policy.length ? `policy ${policy.join(', ')}` : '',
      lifecycle ? plural(lifecycle, 'lifecycle rule') : '',
      bucket.body.lifecycle?.prevent_destroy ? 'prevent_destroy' : '',
    ].filter(Boolean),
    cluster: 'storage',
    address: bucket.address,
  });
  const key = reference(sse?.kms_master_key_id);
  if (key) b.addEdge({ from: nodeId(key), to: nodeId(bucket.address), kind: 'encrypts', label: 'encrypts' });
}

/** Everything else, counted so nothing is silently left out. */
function drawOthers(b: GraphBuilder): void {
  const others = countBy([...b.resources.values()].filter((r) => !b.shown.has(r.address)), (r) => r.type);
  if (others.length > 0) {
    b.addNode({ id: 'others', kind: 'other', title: 'also in this stack', details: others.map(([t, n]) => `${t.replace(/^aws_/, '')}${n > 1 ? ` × ${n}` : ''}`) });
  }
}

/** The ports of the traffic edges from resource `from` (or `internet`) to resource `to`. */
export function portsBetween(graph: ArchitectureGraph, from: string, to: string): number[] {
  return graph.edges.filter((e) => e.kind === 'traffic' && e.between?.[0] === from && e.between?.[1] === to).flatMap((e) => e.ports ?? []).sort((a, b) => a - b);
}
