/**
 * The architecture graph of one synthesized stack (its cdk.tf.json), drawn from the resources
 * themselves: the network (VPC, one box per availability zone, subnets and the routes that
 * make them public, private or isolated, NAT and internet gateways), the traffic path
 * (internet → listeners → target groups → ECS services → databases) where every hop is an edge
 * only if the security-group rules let it through (its label is the port they open), IAM roles
 * and who assumes them, secrets and who may read them, alarms and their topic, and the
 * EventBridge → Step Functions redeploy. Nothing here looks at the environment's name: two
 * stacks differ in the picture exactly where their resources differ.
 */
import { cidrContains, parseCidr } from '../../lib/cidr';
import { Addressed, allResources, list, parseJson, reference, references, resourcesOf, TfJson } from './terraform-json';

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

/** Builds the architecture graph of a synthesized stack. */
export function buildArchitecture(stack: string, json: TfJson): ArchitectureGraph {
  const nodes = new Map<string, DiagramNode>();
  const clusters = new Map<string, DiagramCluster>();
  const edges: DiagramEdge[] = [];
  /** Addresses drawn as a node or folded into a node or edge. */
  const shown = new Set<string>();
  const resources = new Map(allResources(json).map((r) => [r.address, r]));
  const body = (address: string | undefined) => (address ? resources.get(address)?.body : undefined);
  const addNode = (n: DiagramNode) => {
    nodes.set(n.id, n);
    if (n.address) shown.add(n.address);
    return n.id;
  };
  const addCluster = (c: DiagramCluster) => clusters.set(c.id, c);
  /** Edges to a node that is never drawn are dropped at the end. */
  const addEdge = (e: DiagramEdge) => edges.push(e);
  const givenName = (r: Addressed): unknown => r.body.name ?? r.body.tags?.Name ?? r.body.identifier ?? r.body.replication_group_id ?? r.body.bucket;
  const fullName = (r: Addressed) => String(givenName(r) ?? r.name).replace(/^alias\//, '');
  const prefix = namePrefix([...resources.values()].filter((r) => givenName(r) !== undefined).map(fullName));
  const short = (name: string) => name.slice(name.startsWith(prefix) ? prefix.length : 0);
  const nameOf = (r: Addressed) => short(fullName(r));
  const show = (...addresses: (string | undefined)[]) => addresses.forEach((a) => a && shown.add(a));

  // --- network: VPCs, availability zones, subnets, gateways, routes
  const subnets = resourcesOf(json, 'aws_subnet');
  const azLetter = (az: string) => az.replace(/^.*\d/, '') || az;
  const routeTables = new Map<string, { target: string; destination: string; address: string }[]>();
  const addRoute = (table: string | undefined, destination: unknown, target: string | undefined, address: string) => {
    if (!table || !target || typeof destination !== 'string') return;
    routeTables.set(table, [...(routeTables.get(table) ?? []), { target, destination, address }]);
  };
  for (const r of resourcesOf(json, 'aws_route')) {
    addRoute(reference(r.body.route_table_id), r.body.destination_cidr_block, reference(r.body.gateway_id ?? r.body.nat_gateway_id), r.address);
  }
  for (const t of resourcesOf(json, 'aws_route_table')) {
    for (const r of list(t.body.route)) addRoute(t.address, r.cidr_block, reference(r.gateway_id ?? r.nat_gateway_id), t.address);
  }
  const tableOf = new Map<string, string>();
  for (const a of resourcesOf(json, 'aws_route_table_association')) {
    const subnet = reference(a.body.subnet_id);
    const table = reference(a.body.route_table_id);
    if (subnet && table) tableOf.set(subnet, table);
    show(a.address, table);
  }
  /** The gateway a subnet's default route goes to. */
  const defaultRoute = (subnet: string) => {
    const table = tableOf.get(subnet);
    const route = (table ? routeTables.get(table) ?? [] : []).find((r) => ANYWHERE.includes(r.destination));
    if (route) show(route.address);
    return route?.target;
  };

  for (const vpc of resourcesOf(json, 'aws_vpc')) {
    addCluster({ id: nodeId(vpc.address), kind: 'vpc', title: `VPC ${vpc.body.tags?.Name ?? vpc.name} · ${vpc.body.cidr_block ?? ''}`.trim() });
    show(vpc.address);
  }
  const vpcCluster = (ref: unknown) => {
    const id = reference(ref);
    return id && clusters.has(nodeId(id)) ? nodeId(id) : undefined;
  };
  const azOfSubnet = new Map<string, string>();
  for (const s of subnets) {
    const vpc = vpcCluster(s.body.vpc_id);
    const az = String(s.body.availability_zone ?? 'unknown zone');
    const cluster = `${vpc ?? 'novpc'}__az_${az.replace(/[^A-Za-z0-9]/g, '_')}`;
    if (!clusters.has(cluster)) addCluster({ id: cluster, kind: 'az', title: `availability zone ${az}`, parent: vpc });
    azOfSubnet.set(s.address, cluster);
  }
  for (const igw of [...resourcesOf(json, 'aws_internet_gateway')]) {
    addNode({ id: nodeId(igw.address), kind: 'gateway', title: 'internet gateway', details: [], cluster: vpcCluster(igw.body.vpc_id), address: igw.address });
  }
  for (const nat of resourcesOf(json, 'aws_nat_gateway')) {
    const subnet = reference(nat.body.subnet_id);
    const eip = reference(nat.body.allocation_id);
    show(eip);
    addNode({
      id: nodeId(nat.address),
      kind: 'nat',
      title: 'NAT gateway',
      details: [eip ? 'Elastic IP' : 'private NAT'],
      cluster: subnet ? azOfSubnet.get(subnet) : undefined,
      address: nat.address,
    });
  }

  for (const f of resourcesOf(json, 'aws_flow_log')) {
    const destination = reference(f.body.log_destination);
    show(destination);
    addNode({
      id: nodeId(f.address),
      kind: 'other',
      title: 'VPC flow logs',
      details: [`${f.body.traffic_type ?? 'ALL'} traffic → ${f.body.log_destination_type ?? 'cloud-watch-logs'}`],
      cluster: vpcCluster(f.body.vpc_id),
      address: f.address,
    });
  }

  // --- endpoints: load balancers, services, databases, caches (and where they run)
  const subnetGroup = (ref: unknown) => {
    const group = body(reference(ref));
    show(reference(ref));
    return references(group?.subnet_ids);
  };
  const taskDefinitions = new Map(resourcesOf(json, 'aws_ecs_task_definition').map((t) => [t.address, t]));
  const containers = (t: Addressed | undefined) => list<Record<string, any>>(parseJson(t?.body.container_definitions));
  const services = resourcesOf(json, 'aws_ecs_service');
  const databases = resourcesOf(json, 'aws_db_instance');
  const caches = [...resourcesOf(json, 'aws_elasticache_replication_group'), ...resourcesOf(json, 'aws_elasticache_cluster').filter((c) => !c.body.replication_group_id)];
  const loadBalancers = [...resourcesOf(json, 'aws_lb'), ...resourcesOf(json, 'aws_alb')];
  const listeners = [...resourcesOf(json, 'aws_lb_listener'), ...resourcesOf(json, 'aws_alb_listener')];
  const listenerRules = [...resourcesOf(json, 'aws_lb_listener_rule'), ...resourcesOf(json, 'aws_alb_listener_rule')];
  const targetGroups = [...resourcesOf(json, 'aws_lb_target_group'), ...resourcesOf(json, 'aws_alb_target_group')];

  const endpoints = new Map<string, Endpoint>();
  for (const lb of loadBalancers) {
    const ports = listeners.filter((l) => reference(l.body.load_balancer_arn) === lb.address).map((l) => Number(l.body.port));
    endpoints.set(lb.address, { address: lb.address, groups: references(lb.body.security_groups), ports, subnets: references(lb.body.subnets) });
  }
  for (const s of services) {
    const task = taskDefinitions.get(reference(s.body.task_definition) ?? '');
    const ports = [
      ...list(s.body.load_balancer).map((l) => Number(l.container_port)),
      ...containers(task).flatMap((c) => list(c.portMappings).map((p) => Number(p.containerPort))),
    ];
    const net = list(s.body.network_configuration)[0] ?? {};
    endpoints.set(s.address, { address: s.address, groups: references(net.security_groups), ports: [...new Set(ports)].sort((a, b) => a - b), subnets: references(net.subnets) });
  }
  for (const d of databases) {
    const port = Number(d.body.port ?? DEFAULT_PORTS[String(d.body.engine)] ?? 0);
    endpoints.set(d.address, { address: d.address, groups: references(d.body.vpc_security_group_ids), ports: [port], subnets: subnetGroup(d.body.db_subnet_group_name) });
  }
  for (const c of caches) {
    const port = Number(c.body.port ?? DEFAULT_PORTS[String(c.body.engine ?? 'redis')] ?? 0);
    endpoints.set(c.address, { address: c.address, groups: references(c.body.security_group_ids), ports: [port], subnets: subnetGroup(c.body.subnet_group_name) });
  }

  // subnets: their tier comes from what runs in them, else from their default route
  const hosted = (kinds: Addressed[]) => new Set(kinds.flatMap((k) => endpoints.get(k.address)?.subnets ?? []));
  const dataSubnets = hosted([...databases, ...caches]);
  const appSubnets = hosted(services);
  for (const s of subnets) {
    const gateway = defaultRoute(s.address);
    const viaIgw = gateway?.startsWith('aws_internet_gateway.');
    const tier = dataSubnets.has(s.address) ? 'database' : appSubnets.has(s.address) ? 'application' : viaIgw ? 'public' : 'private';
    // The route itself is an edge; the details say what an edge cannot: no route, or a NAT gateway in another zone.
    const route = !gateway ? 'no route to the internet' : viaIgw || nodes.get(nodeId(gateway))?.cluster === azOfSubnet.get(s.address) ? '' : 'egress via a NAT gateway in another zone';
    addNode({ id: nodeId(s.address), kind: 'subnet', title: `${tier} subnet ${s.body.cidr_block ?? ''}`.trim(), details: route ? [route] : [], cluster: azOfSubnet.get(s.address), address: s.address });
    if (gateway) edges.push({ from: nodeId(s.address), to: nodeId(gateway), kind: 'route', label: '0.0.0.0/0' });
  }
  const cidrOf = new Map(subnets.map((s) => [s.address, parseCidr(s.body.cidr_block)]));
  const publicSubnet = (s: string) => defaultRoute(s)?.startsWith('aws_internet_gateway.') ?? false;
  const placement = (e: Endpoint) => {
    const zones = [...new Set(e.subnets.map((s) => clusters.get(azOfSubnet.get(s) ?? '')?.title.replace('availability zone ', '')).filter(Boolean))] as string[];
    if (zones.length === 0) return [];
    const tiers = [...new Set(e.subnets.map((s) => nodes.get(nodeId(s))?.title.split(' ')[0]))];
    return [`${tiers.join('/')} subnets in ${zones.map(azLetter).join(', ')}`];
  };

  // --- security groups: which endpoint may open a connection to which, on what port
  const rules = securityGroupRules(json);
  rules.forEach((r) => show(r.address, r.group));
  const portIn = (r: SgRule, port: number) => (r.allProtocols || r.protocol === 'tcp' || r.protocol === '6') && port >= r.from && port <= r.to;
  const cidrCovers = (cidrs: readonly string[], subnetList: readonly string[]) =>
    cidrs.some((c) => ANYWHERE.includes(c) || subnetList.some((s) => {
      const outer = parseCidr(c);
      const inner = cidrOf.get(s);
      return outer && inner ? cidrContains(outer, inner) : false;
    }));
  /** The ingress rules letting `source` (or the internet) reach `target` on `port`, or none when either side's rules refuse it. */
  const openedBy = (source: Endpoint | typeof INTERNET, target: Endpoint, port: number): string[] => {
    const ingress = rules.filter((r) => r.direction === 'ingress' && target.groups.includes(r.group) && portIn(r, port)).filter((r) =>
      source === INTERNET
        ? r.cidrs.some((c) => ANYWHERE.includes(c))
        : (r.peer !== undefined && source.groups.includes(r.peer)) || (r.self && source.groups.includes(r.group)) || cidrCovers(r.cidrs, source.subnets),
    );
    if (ingress.length === 0) return [];
    if (source !== INTERNET) {
      const egress = rules.some(
        (r) => r.direction === 'egress' && source.groups.includes(r.group) && portIn(r, port) && ((r.peer !== undefined && target.groups.includes(r.peer)) || (r.self && target.groups.includes(r.group)) || cidrCovers(r.cidrs, target.subnets)),
      );
      if (!egress) return [];
    }
    return [...new Set(ingress.map((r) => r.address))].sort();
  };
  /** From the internet, a connection also needs the target to sit in a subnet routed to an internet gateway. */
  const firstVpc = [...clusters.values()].find((c) => c.kind === 'vpc')?.id;
  const vpcOf = (e: Endpoint) => e.subnets.map((s) => vpcCluster(body(s)?.vpc_id)).find(Boolean) ?? firstVpc;
  const internetFacing = (e: Endpoint) => {
    const b = body(e.address);
    const publicIp = e.address.startsWith('aws_ecs_service.') ? list(b?.network_configuration)[0]?.assign_public_ip === true : b?.publicly_accessible !== false;
    return e.subnets.some(publicSubnet) && b?.internal !== true && publicIp;
  };

  addNode({ id: INTERNET, kind: 'internet', title: 'internet', details: [] });

  // --- load balancers: listeners (nodes), rules (edges), target groups (nodes)
  for (const lb of loadBalancers) {
    const endpoint = endpoints.get(lb.address)!;
    const cluster = nodeId(lb.address);
    shown.add(lb.address);
    addCluster({ id: cluster, kind: 'load-balancer', title: `load balancer ${nameOf(lb)} · ${lb.body.internal ? 'internal' : 'internet-facing'} · ${placement(endpoint).join('')}`, parent: vpcOf(endpoint) });
    for (const l of listeners.filter((x) => reference(x.body.load_balancer_arn) === lb.address)) {
      const details = [l.body.ssl_policy ? `TLS policy ${String(l.body.ssl_policy).replace(/^ELBSecurityPolicy-/, '')}` : '', l.body.certificate_arn ? 'certificate attached' : ''].filter(Boolean);
      addNode({ id: nodeId(l.address), kind: 'listener', title: `listener ${l.body.protocol ?? ''} :${l.body.port}`, details, cluster, address: l.address });
      const port = Number(l.body.port);
      const opened = internetFacing(endpoint) ? openedBy(INTERNET, endpoint, port) : [];
      if (opened.length > 0) edges.push({ from: INTERNET, to: nodeId(l.address), kind: 'traffic', label: `:${port}`, ports: [port], rules: opened, between: [INTERNET, lb.address] });
    }
    for (const tg of targetGroups.filter((t) => listeners.some((l) => reference(l.body.load_balancer_arn) === lb.address && references([l.body.default_action, listenerRules.filter((r) => reference(r.body.listener_arn) === l.address).map((r) => r.body.action)]).includes(t.address)))) {
      const hc = list(tg.body.health_check)[0];
      addNode({
        id: nodeId(tg.address),
        kind: 'target-group',
        title: `target group ${nameOf(tg)}`,
        details: [`${tg.body.protocol ?? ''} :${tg.body.port} · ${tg.body.target_type ?? 'instance'} targets`, hc?.path ? `health ${hc.path}` : ''].filter(Boolean),
        cluster,
        address: tg.address,
      });
    }
  }
  const conditionText = (c: Record<string, any>): string => {
    const values = (v: any) => list<string>(v?.values).join(', ');
    if (c.host_header) return `host ${values(c.host_header)}`;
    if (c.path_pattern) return `path ${values(c.path_pattern)}`;
    if (c.http_header) return `header ${c.http_header.http_header_name} ${values(c.http_header)}`;
    if (c.http_request_method) return `method ${values(c.http_request_method)}`;
    if (c.source_ip) return `source ${values(c.source_ip)}`;
    return Object.keys(c).join(', ');
  };
  const actionEdges = (from: string, actions: unknown, label: string, listenerOf: Addressed) => {
    for (const a of list<Record<string, any>>(actions)) {
      if (a.type === 'forward') {
        for (const tg of references([a.target_group_arn, a.forward])) addEdge({ from, to: nodeId(tg), kind: 'forward', label });
      } else if (a.type === 'redirect') {
        const r = list(a.redirect)[0] ?? {};
        const target = listeners.find((l) => l.body.load_balancer_arn === listenerOf.body.load_balancer_arn && String(l.body.port) === String(r.port ?? listenerOf.body.port));
        if (target && target.address !== listenerOf.address) addEdge({ from, to: nodeId(target.address), kind: 'redirect', label: `${label === 'default' ? '' : `${label}: `}redirect ${String(r.status_code ?? '').replace('HTTP_', '')}`.trim() });
      }
    }
  };
  for (const l of listeners) actionEdges(nodeId(l.address), l.body.default_action, 'default', l);
  for (const r of [...listenerRules].sort((a, b) => Number(a.body.priority ?? 0) - Number(b.body.priority ?? 0))) {
    const listener = resources.get(reference(r.body.listener_arn) ?? '');
    if (!listener) continue;
    shown.add(r.address);
    const when = list<Record<string, any>>(r.body.condition).map(conditionText).join(' and ');
    actionEdges(nodeId(listener.address), r.body.action, `${when}${r.body.priority !== undefined ? ` (rule ${r.body.priority})` : ''}`, listener);
  }

  // --- ECS: clusters and services (with their scaling)
  const scaling = new Map(
    resourcesOf(json, 'aws_appautoscaling_target').flatMap((t) => references(t.body.resource_id).filter((a) => a.startsWith('aws_ecs_service.')).map((a) => [a, t] as const)),
  );
  for (const c of resourcesOf(json, 'aws_ecs_cluster')) {
    const insights = list(c.body.setting).some((s) => s.name === 'containerInsights' && s.value === 'enabled');
    const parent = services.filter((s) => reference(s.body.cluster) === c.address).map((s) => vpcOf(endpoints.get(s.address)!)).find(Boolean) ?? firstVpc;
    addCluster({ id: nodeId(c.address), kind: 'ecs', title: `ECS cluster${nameOf(c) === 'cluster' ? '' : ` ${nameOf(c)}`}${insights ? ' · Container Insights' : ''}`, parent });
    shown.add(c.address);
  }
  for (const s of services) {
    const task = taskDefinitions.get(reference(s.body.task_definition) ?? '');
    show(task?.address);
    const target = scaling.get(s.address);
    if (target) {
      show(target.address, ...resourcesOf(json, 'aws_appautoscaling_policy').filter((p) => references(p.body).includes(target.address)).map((p) => p.address));
    }
    const cpu = Number(task?.body.cpu ?? 0) / 1024;
    const memory = Number(task?.body.memory ?? 0) / 1024;
    const size = task?.body.cpu ? `${s.body.launch_type === 'FARGATE' ? 'Fargate ' : ''}${cpu} vCPU · ${memory} GiB` : String(s.body.launch_type ?? '');
    const count = target ? `${target.body.min_capacity}-${target.body.max_capacity} tasks (autoscaled)` : `${s.body.desired_count ?? 1} task${Number(s.body.desired_count ?? 1) === 1 ? '' : 's'}`;
    const image = containers(task).map((c) => `${c.name}${list(c.portMappings).length ? ` :${list(c.portMappings).map((p) => p.containerPort).join(', :')}` : ''}`);
    addNode({
      id: nodeId(s.address),
      kind: 'service',
      title: `service ${nameOf(s)}`,
      details: [`container ${image.join(', ')}`, `${size} · ${count}`, ...placement(endpoints.get(s.address)!)],
      cluster: reference(s.body.cluster) ? nodeId(reference(s.body.cluster)!) : vpcOf(endpoints.get(s.address)!),
      address: s.address,
      subnets: endpoints.get(s.address)!.subnets.map(nodeId),
    });
  }

  // --- data stores
  for (const d of databases) {
    const e = endpoints.get(d.address)!;
    show(reference(d.body.parameter_group_name));
    addNode({
      id: nodeId(d.address),
      kind: 'database',
      title: `RDS ${nameOf(d)}`,
      details: [
        `${d.body.engine ?? ''} ${d.body.engine_version ?? ''} · ${d.body.instance_class ?? ''}`,
        `${d.body.multi_az ? 'Multi-AZ' : 'single-AZ'}${d.body.storage_encrypted ? ' · encrypted' : ''}${d.body.publicly_accessible ? ' · PUBLIC' : ''}`,
        `${d.body.allocated_storage ?? '?'}${d.body.max_allocated_storage ? `-${d.body.max_allocated_storage}` : ''} GiB ${d.body.storage_type ?? ''} · backups ${d.body.backup_retention_period ?? 0} d`.replace(/\s+/g, ' '),
        ...placement(e),
      ],
      cluster: vpcOf(e),
      address: d.address,
      subnets: e.subnets.map(nodeId),
    });
  }
  for (const c of caches) {
    const e = endpoints.get(c.address)!;
    show(reference(c.body.parameter_group_name));
    const count = Number(c.body.num_cache_clusters ?? c.body.num_cache_nodes ?? 1);
    const features = [c.body.multi_az_enabled ? 'Multi-AZ' : '', c.body.automatic_failover_enabled ? 'failover' : '', c.body.transit_encryption_enabled ? 'TLS' : 'no TLS', c.body.auth_token ? 'AUTH' : ''].filter(Boolean);
    addNode({
      id: nodeId(c.address),
      kind: 'cache',
      title: `ElastiCache ${nameOf(c)}`,
      details: [`${c.body.engine ?? 'redis'} ${c.body.engine_version ?? ''} · ${c.body.node_type ?? ''} × ${count}`, features.join(' · '), ...placement(e)],
      cluster: vpcOf(e),
      address: c.address,
      subnets: e.subnets.map(nodeId),
    });
  }

  // --- traffic between endpoints, as the security groups allow it
  const tgOfService = (s: string) => list(body(s)?.load_balancer).map((l) => ({ tg: reference(l.target_group_arn), port: Number(l.container_port) }));
  const lbOfTargetGroup = (tg: string) =>
    loadBalancers.find((lb) => listeners.some((l) => reference(l.body.load_balancer_arn) === lb.address && (references(l.body.default_action).includes(tg) || listenerRules.some((r) => reference(r.body.listener_arn) === l.address && references(r.body.action).includes(tg)))));
  for (const s of services) {
    const target = endpoints.get(s.address)!;
    for (const { tg, port } of tgOfService(s.address)) {
      const lb = tg ? lbOfTargetGroup(tg) : undefined;
      if (!tg || !lb) continue;
      const opened = openedBy(endpoints.get(lb.address)!, target, port);
      if (opened.length > 0) addEdge({ from: nodeId(tg), to: nodeId(s.address), kind: 'traffic', label: `:${port}`, ports: [port], rules: opened, between: [lb.address, s.address] });
    }
  }
  // Services and data stores, from the internet, the load balancers and the services (not from themselves).
  const stores = [...services, ...databases, ...caches].map((d) => endpoints.get(d.address)!);
  for (const target of stores) {
    const sources: (Endpoint | typeof INTERNET)[] = [INTERNET, ...loadBalancers.map((lb) => endpoints.get(lb.address)!), ...services.map((s) => endpoints.get(s.address)!)];
    for (const source of sources) {
      if (source === INTERNET ? !internetFacing(target) : source.address === target.address) continue;
      // A load balancer reaches a service through its target groups (drawn above).
      if (source !== INTERNET && target.address.startsWith('aws_ecs_service.') && loadBalancers.some((lb) => lb.address === source.address)) continue;
      const open = target.ports.map((port) => ({ port, rules: openedBy(source, target, port) })).filter((p) => p.rules.length > 0);
      if (open.length === 0) continue;
      const from = source === INTERNET ? INTERNET : nodes.has(nodeId(source.address)) ? nodeId(source.address) : nodeId(listeners.find((l) => reference(l.body.load_balancer_arn) === source.address)?.address ?? source.address);
      addEdge({
        from,
        to: nodeId(target.address),
        kind: 'traffic',
        label: open.map((p) => `:${p.port}`).join(', '),
        ports: open.map((p) => p.port),
        rules: [...new Set(open.flatMap((p) => p.rules))].sort(),
        between: [source === INTERNET ? INTERNET : source.address, target.address],
      });
    }
  }

  // --- secrets
  const secretsCluster = 'secrets';
  addCluster({ id: secretsCluster, kind: 'secrets', title: 'Secrets Manager' });
  for (const s of resourcesOf(json, 'aws_secretsmanager_secret')) {
    const versions = resourcesOf(json, 'aws_secretsmanager_secret_version').filter((v) => reference(v.body.secret_id) === s.address);
    show(...versions.map((v) => v.address));
    const rotation = resourcesOf(json, 'aws_secretsmanager_secret_rotation').filter((r) => reference(r.body.secret_id) === s.address);
    show(...rotation.map((r) => r.address));
    addNode({
      id: nodeId(s.address),
      kind: 'secret',
      title: `secret ${nameOf(s)}`,
      details: [versions.length ? 'value set by Terraform (sensitive variable)' : 'value set outside Terraform', rotation.length ? 'rotated' : ''].filter(Boolean),
      cluster: secretsCluster,
      address: s.address,
    });
  }
  const masterSecretId = (db: string) => `${nodeId(db)}__master_user_secret`;
  for (const d of databases.filter((x) => x.body.manage_master_user_password)) {
    addNode({ id: masterSecretId(d.address), kind: 'secret', title: `master password of ${nameOf(d)}`, details: ['managed and rotated by RDS'], cluster: secretsCluster });
  }
  // A value may reach the master secret through a terraform_data relay (constructs/database.ts passes the ARN
  // through one so that the first plan against a legacy state does not index an empty list).
  const masterSecretOf = (expression: string): string | undefined => {
    const direct = /\$\{(aws_db_instance\.[A-Za-z0-9_-]+)\.master_user_secret/.exec(expression);
    if (direct) return direct[1];
    const relay = /\$\{(terraform_data\.[A-Za-z0-9_-]+)\.output\b/.exec(expression);
    const input = relay ? body(relay[1])?.input : undefined;
    return input === undefined ? undefined : masterSecretOf(JSON.stringify(input));
  };
  const secretNodes = (resource: unknown): string[] =>
    list<string>(resource).flatMap((r) => {
      const master = masterSecretOf(String(r));
      if (master) return [masterSecretId(master)];
      const ref = reference(r);
      return ref?.startsWith('aws_secretsmanager_secret.') ? [nodeId(ref)] : [];
    });

  // --- IAM roles: who assumes them, and which secrets they may read
  const iamCluster = 'iam';
  addCluster({ id: iamCluster, kind: 'iam', title: 'IAM roles' });
  const oidcUrl = (federated: string) => {
    const provider = body(reference(federated));
    return String(provider?.url ?? federated);
  };
  const assumers = (role: string): { node: string; label: string }[] => {
    const found: { node: string; label: string }[] = [];
    for (const r of resources.values()) {
      for (const [attribute, value] of Object.entries(r.body)) {
        if (!references(value).includes(role) || !/role_arn$/.test(attribute)) continue;
        const label = attribute.replace(/_arn$/, '').replace(/_/g, ' ');
        if (r.type === 'aws_ecs_task_definition') services.filter((s) => reference(s.body.task_definition) === r.address).forEach((s) => found.push({ node: nodeId(s.address), label }));
        else if (r.type === 'aws_cloudwatch_event_target') found.push({ node: nodeId(reference(r.body.rule) ?? ''), label: 'runs as' });
        else found.push({ node: nodeId(r.address), label: attribute === 'role_arn' ? 'runs as' : label });
      }
    }
    return found;
  };
  for (const role of resourcesOf(json, 'aws_iam_role')) {
    const id = nodeId(role.address);
    const statements = list<Record<string, any>>(parseJson(role.body.assume_role_policy)?.Statement);
    const servicePrincipals = statements.flatMap((s) => list<string>(s.Principal?.Service));
    const policies = [...resourcesOf(json, 'aws_iam_role_policy'), ...resourcesOf(json, 'aws_iam_role_policy_attachment')].filter((p) => reference(p.body.role) === role.address);
    show(...policies.map((p) => p.address));
    const managed = policies.map((p) => String(p.body.policy_arn ?? "")).filter(Boolean).map((arn) => arn.split("/").pop() ?? arn);
    addNode({
      id,
      kind: 'role',
      title: `role ${nameOf(role)}`,
      details: [servicePrincipals.length ? `trusts ${servicePrincipals.join(', ')}` : '', ...managed.map((m: string) => `+ ${m}`)].filter(Boolean),
      cluster: iamCluster,
      address: role.address,
    });
    for (const a of assumers(role.address)) addEdge({ from: a.node, to: id, kind: 'assumes', label: a.label });
    for (const s of statements.filter((x) => x.Principal?.Federated)) {
      const url = oidcUrl(String(s.Principal.Federated));
      const conditions = Object.values<Record<string, unknown>>(s.Condition ?? {}).flatMap((c) => Object.entries(c));
      const subjects = conditions.filter(([k]) => k.endsWith(':sub')).flatMap(([, v]) => list<string>(v));
      const github = url.includes('token.actions.githubusercontent.com') || conditions.some(([k]) => k.startsWith('token.actions.githubusercontent.com'));
      const who = `${id}__web_identity`;
      show(reference(String(s.Principal.Federated)));
      addNode({ id: who, kind: 'github', title: github ? 'GitHub Actions (OIDC)' : `web identity ${url}`, details: subjects.map((x) => `subject ${x}`) });
      edges.push({ from: who, to: id, kind: 'assumes', label: 'AssumeRoleWithWebIdentity' });
    }
    for (const p of policies) {
      for (const st of list<Record<string, any>>(parseJson(p.body.policy)?.Statement)) {
        const actions = list<string>(st.Action);
        if (st.Effect !== 'Allow' || !actions.some((a) => /^secretsmanager:(GetSecretValue|\*)$/.test(a) || a === '*')) continue;
        for (const secret of secretNodes(st.Resource)) addEdge({ from: id, to: secret, kind: 'reads' });
      }
    }
  }
  for (const o of resourcesOf(json, 'aws_iam_openid_connect_provider')) {
    if (!shown.has(o.address)) continue;
    nodes.forEach((n, k) => n.kind === 'github' && nodes.set(k, { ...n, details: [...n.details, 'OIDC provider created in this stack'] }));
  }

  // --- monitoring: alarms and the topic they notify
  const monitoringCluster = 'monitoring';
  addCluster({ id: monitoringCluster, kind: 'monitoring', title: 'monitoring' });
  const alarms = resourcesOf(json, 'aws_cloudwatch_metric_alarm');
  for (const t of resourcesOf(json, 'aws_sns_topic')) {
    const subscriptions = resourcesOf(json, 'aws_sns_topic_subscription').filter((s) => reference(s.body.topic_arn) === t.address);
    show(...subscriptions.map((s) => s.address));
    const byProtocol = new Map<string, number>();
    subscriptions.forEach((s) => byProtocol.set(String(s.body.protocol), (byProtocol.get(String(s.body.protocol)) ?? 0) + 1));
    addNode({
      id: nodeId(t.address),
      kind: 'topic',
      title: `SNS topic ${nameOf(t)}`,
      details: [
        byProtocol.size ? [...byProtocol].sort().map(([p, n]) => `${n} ${p} subscription${n === 1 ? '' : 's'}`).join(', ') : 'no subscriptions',
        t.body.kms_master_key_id ? 'encrypted with KMS' : '',
      ].filter(Boolean),
      cluster: monitoringCluster,
      address: t.address,
    });
    const feeding = alarms.filter((a) => references([a.body.alarm_actions, a.body.ok_actions]).includes(t.address));
    if (feeding.length === 0) continue;
    show(...feeding.map((a) => a.address));
    const byNamespace = new Map<string, number>();
    feeding.forEach((a) => byNamespace.set(String(a.body.namespace ?? 'metric math'), (byNamespace.get(String(a.body.namespace ?? 'metric math')) ?? 0) + 1));
    const alarmsId = `${nodeId(t.address)}__alarms`;
    addNode({
      id: alarmsId,
      kind: 'alarms',
      title: `${feeding.length} CloudWatch alarm${feeding.length === 1 ? '' : 's'}`,
      details: [...byNamespace].sort().map(([ns, n]) => `${ns.replace(/^AWS\//, '')} ${n}`),
      cluster: monitoringCluster,
    });
    const okToo = feeding.every((a) => references(a.body.ok_actions).includes(t.address));
    addEdge({ from: alarmsId, to: nodeId(t.address), kind: 'notifies', label: okToo ? 'ALARM and OK' : 'ALARM' });
  }

  // --- EventBridge rules and the state machines they start (the rotation redeploy)
  const eventRules = resourcesOf(json, 'aws_cloudwatch_event_rule');
  const machines = resourcesOf(json, 'aws_sfn_state_machine');
  if (eventRules.length + machines.length > 0) addCluster({ id: 'events', kind: 'rotation', title: 'event-driven automation' });
  for (const r of eventRules) {
    const pattern = parseJson(r.body.event_pattern) ?? {};
    const events = list<string>(pattern.detail?.eventName ?? pattern['detail-type']);
    addNode({ id: nodeId(r.address), kind: 'event-rule', title: `EventBridge rule ${nameOf(r)}`, details: events.length ? [`on ${events.join(', ')}`] : r.body.schedule_expression ? [String(r.body.schedule_expression)] : [], cluster: 'events', address: r.address });
    for (const secret of secretNodes(JSON.stringify(pattern).match(/\$\{[^}]+\}/g) ?? [])) addEdge({ from: secret, to: nodeId(r.address), kind: 'triggers', label: events.join(', ') || 'event' });
  }
  for (const m of machines) {
    const definition = parseJson(m.body.definition) ?? {};
    const tasks = Object.values<Record<string, any>>(definition.States ?? {}).filter((s) => s.Type === 'Task');
    addNode({
      id: nodeId(m.address),
      kind: 'state-machine',
      title: `Step Functions ${nameOf(m)}`,
      details: tasks.map((t) => String(t.Resource ?? '').replace(/^arn:aws:states:::(aws-sdk:)?/, '')),
      cluster: 'events',
      address: m.address,
    });
    for (const s of references(m.body.definition).filter((a) => a.startsWith('aws_ecs_service.'))) {
      const forced = tasks.some((t) => t.Parameters?.ForceNewDeployment === true);
      addEdge({ from: nodeId(m.address), to: nodeId(s), kind: 'redeploys', label: forced ? 'force new deployment' : 'update service' });
    }
  }
  for (const t of resourcesOf(json, 'aws_cloudwatch_event_target')) {
    shown.add(t.address);
    const target = reference(t.body.arn);
    if (target) addEdge({ from: nodeId(reference(t.body.rule) ?? ''), to: nodeId(target), kind: 'triggers', label: 'starts' });
  }

  // --- state and data stores outside the VPC: S3 buckets (with their settings), DynamoDB tables, KMS keys
  addCluster({ id: 'storage', kind: 'storage', title: 'storage and keys' });
  for (const k of resourcesOf(json, 'aws_kms_key')) {
    const aliases = resourcesOf(json, 'aws_kms_alias').filter((a) => reference(a.body.target_key_id) === k.address);
    show(...aliases.map((a) => a.address));
    addNode({
      id: nodeId(k.address),
      kind: 'key',
      title: `KMS key ${aliases.length ? aliases.map(nameOf).join(', ') : k.name}`,
      details: [k.body.enable_key_rotation ? 'yearly rotation' : 'no rotation', k.body.lifecycle?.prevent_destroy ? 'prevent_destroy' : ''].filter(Boolean),
      cluster: 'storage',
      address: k.address,
    });
  }
  for (const b of resourcesOf(json, 'aws_s3_bucket')) {
    const settings = allResources(json).filter((r) => r.type.startsWith('aws_s3_bucket_') && reference(r.body.bucket) === b.address);
    show(...settings.map((r) => r.address));
    const of = (type: string) => settings.find((r) => r.type === type)?.body;
    const sse = list(of('aws_s3_bucket_server_side_encryption_configuration')?.rule).map((r) => list(r.apply_server_side_encryption_by_default)[0] ?? {})[0];
    const block = of('aws_s3_bucket_public_access_block');
    const policy = list<Record<string, any>>(parseJson(of('aws_s3_bucket_policy')?.policy)?.Statement).map((st) => st.Sid).filter(Boolean);
    const lifecycle = list(of('aws_s3_bucket_lifecycle_configuration')?.rule).length;
    addNode({
      id: nodeId(b.address),
      kind: 'bucket',
      title: `S3 bucket ${nameOf(b)}`,
      details: [
        `versioning ${list(of('aws_s3_bucket_versioning')?.versioning_configuration)[0]?.status ?? 'off'}${sse ? ` · ${sse.sse_algorithm}` : ''}`,
        block && ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every((k) => block[k]) ? 'public access blocked' : 'public access NOT blocked',
        policy.length ? `policy ${policy.join(', ')}` : '',
        lifecycle ? `${lifecycle} lifecycle rule${lifecycle === 1 ? '' : 's'}` : '',
        b.body.lifecycle?.prevent_destroy ? 'prevent_destroy' : '',
      ].filter(Boolean),
      cluster: 'storage',
      address: b.address,
    });
    const key = reference(sse?.kms_master_key_id);
    if (key) addEdge({ from: nodeId(key), to: nodeId(b.address), kind: 'encrypts', label: 'encrypts' });
  }
  for (const t of resourcesOf(json, 'aws_dynamodb_table')) {
    addNode({
      id: nodeId(t.address),
      kind: 'table',
      title: `DynamoDB table ${nameOf(t)}`,
      details: [
        `${t.body.billing_mode ?? 'PROVISIONED'} · key ${t.body.hash_key ?? ''}`,
        [list(t.body.point_in_time_recovery)[0]?.enabled ? 'point-in-time recovery' : '', t.body.deletion_protection_enabled ? 'deletion protection' : ''].filter(Boolean).join(' · '),
      ].filter(Boolean),
      cluster: 'storage',
      address: t.address,
    });
  }
  for (const topic of resourcesOf(json, 'aws_sns_topic')) {
    const key = reference(topic.body.kms_master_key_id);
    if (key) addEdge({ from: nodeId(key), to: nodeId(topic.address), kind: 'encrypts', label: 'encrypts' });
  }

  // --- everything else, counted so nothing is silently left out
  const others = new Map<string, number>();
  for (const r of resources.values()) if (!shown.has(r.address)) others.set(r.type, (others.get(r.type) ?? 0) + 1);
  if (others.size > 0) {
    addNode({ id: 'others', kind: 'other', title: 'also in this stack', details: [...others].sort().map(([t, n]) => `${t.replace(/^aws_/, '')}${n > 1 ? ` × ${n}` : ''}`) });
  }

  // Drop the internet when nothing is reachable from it, and empty clusters, so nothing floats alone.
  if (!edges.some((e) => e.from === INTERNET)) nodes.delete(INTERNET);
  const used = new Set<string>();
  for (const n of nodes.values()) for (let c = n.cluster; c; c = clusters.get(c)?.parent) used.add(c);
  return {
    stack,
    namePrefix: prefix,
    nodes: [...nodes.values()],
    clusters: [...clusters.values()].filter((c) => used.has(c.id)),
    edges: edges.filter((e) => nodes.has(e.from) && nodes.has(e.to)),
  };
}

/** The ports of the traffic edges from resource `from` (or `internet`) to resource `to`. */
export function portsBetween(graph: ArchitectureGraph, from: string, to: string): number[] {
  return graph.edges.filter((e) => e.kind === 'traffic' && e.between?.[0] === from && e.between?.[1] === to).flatMap((e) => e.ports ?? []).sort((a, b) => a - b);
}
