/**
 * The architecture graph as Graphviz DOT: clusters for the VPC, its availability zones, the
 * load balancer, the ECS cluster, IAM, secrets, monitoring and automation; nodes coloured by
 * kind; traffic edges bold, labelled with the port the security groups open.
 */
import type { ArchitectureGraph, ClusterKind, DiagramCluster, DiagramEdge, DiagramNode, EdgeKind, NodeKind } from './architecture';

/** Fill colour per node kind (AWS-console-like hues, light enough for black text). */
export const NODE_COLOURS: Record<NodeKind, string> = {
  internet: '#ffffff',
  github: '#e8e8e8',
  gateway: '#e4d7f5',
  nat: '#e4d7f5',
  subnet: '#f3eefb',
  listener: '#e0d4f7',
  'target-group': '#ece4fa',
  service: '#fde2c4',
  database: '#cfe0fb',
  cache: '#f9d0d0',
  role: '#f8d7da',
  secret: '#fbe3e4',
  topic: '#f9d6ec',
  alarms: '#f9d6ec',
  'event-rule': '#f9d6ec',
  'state-machine': '#f9d6ec',
  bucket: '#d5ecd4',
  table: '#cfe0fb',
  key: '#f8d7da',
  other: '#f4f4f4',
};

const CLUSTER_STYLE: Record<ClusterKind, { colour: string; fill: string; style: string }> = {
  vpc: { colour: '#8c4fff', fill: '#fbf9ff', style: 'rounded' },
  az: { colour: '#4a7bb7', fill: '#f5f9ff', style: 'rounded,dashed' },
  'load-balancer': { colour: '#8c4fff', fill: '#f7f2ff', style: 'rounded' },
  ecs: { colour: '#d86613', fill: '#fff7ef', style: 'rounded' },
  iam: { colour: '#c7131f', fill: '#fff8f8', style: 'rounded' },
  secrets: { colour: '#c7131f', fill: '#fff8f8', style: 'rounded' },
  monitoring: { colour: '#b0084d', fill: '#fff6fa', style: 'rounded' },
  rotation: { colour: '#b0084d', fill: '#fff6fa', style: 'rounded' },
  storage: { colour: '#3f8624', fill: '#f6fbf5', style: 'rounded' },
};

const EDGE_STYLE: Record<EdgeKind, string> = {
  traffic: 'color="#1a1a1a", penwidth=2, fontcolor="#1a1a1a"',
  forward: 'color="#6b3fbf", fontcolor="#6b3fbf"',
  redirect: 'color="#6b3fbf", fontcolor="#6b3fbf", style=dashed',
  route: 'color="#7a7a7a", fontcolor="#7a7a7a", style=dashed, dir=back, arrowtail=normal',
  assumes: 'color="#c7131f", fontcolor="#c7131f", style=dashed',
  reads: 'color="#c7131f", fontcolor="#c7131f"',
  notifies: 'color="#b0084d", fontcolor="#b0084d"',
  triggers: 'color="#b0084d", fontcolor="#b0084d", style=dashed',
  redeploys: 'color="#b0084d", fontcolor="#b0084d", style=bold',
  encrypts: 'color="#3f8624", fontcolor="#3f8624", style=dotted',
};

/** What the edge colours mean, for the kinds of edge the graph has. */
const LEGEND: [EdgeKind[], string][] = [
  [['traffic'], 'bold black: traffic the security groups let through, labelled with the port'],
  [['forward', 'redirect'], 'purple: listener routing'],
  [['route'], 'grey dashed: default routes'],
  [['assumes', 'reads'], 'red: IAM (dashed: assumes, solid: may read the secret)'],
  [['notifies', 'triggers', 'redeploys'], 'magenta: alarms and automation'],
  [['encrypts'], 'green dotted: KMS encryption'],
];

const SHAPES: Partial<Record<NodeKind, string>> = { internet: 'ellipse', database: 'cylinder', cache: 'cylinder', bucket: 'cylinder', table: 'cylinder', github: 'ellipse' };

/** Escapes text for a Graphviz HTML-like label. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function nodeLabel(n: DiagramNode): string {
  const details = n.details.map((d) => `<BR/><FONT POINT-SIZE="9" COLOR="#333333">${escapeHtml(d)}</FONT>`).join('');
  return `<<B>${escapeHtml(n.title)}</B>${details}>`;
}

/** Route edges point from the subnet to its gateway but are laid out gateway-first, so the gateways sit above. */
function edgeLine(e: DiagramEdge): string {
  const [from, to] = e.kind === 'route' ? [e.to, e.from] : [e.from, e.to];
  const attributes = [EDGE_STYLE[e.kind], e.label ? `label=${quote(` ${e.label} `)}` : '', e.rules?.length ? `tooltip=${quote(`opened by ${e.rules.join(', ')}`)}` : ''];
  return `  ${quote(from)} -> ${quote(to)} [${attributes.filter(Boolean).join(', ')}];`;
}

function legend(graph: ArchitectureGraph): string {
  return LEGEND.filter(([kinds]) => graph.edges.some((e) => kinds.includes(e.kind))).map(([, text]) => text).join(' · ');
}

/** Renders the graph as DOT; the same graph always gives the same text. */
export function toDot(graph: ArchitectureGraph): string {
  const lines = [
    `digraph ${quote(`${graph.stack} architecture`)} {`,
    `  graph [rankdir=TB, newrank=true, nodesep=0.25, ranksep=0.5, fontname="Helvetica", fontsize=13, labelloc=t, labeljust=l, label=<<B>${escapeHtml(graph.stack)}</B>: drawn from cdktf.out/stacks/${escapeHtml(graph.stack)}/cdk.tf.json${graph.namePrefix ? ` · names below omit the prefix <B>${escapeHtml(graph.namePrefix)}</B>` : ''}<BR/><FONT POINT-SIZE="10">${escapeHtml(legend(graph))}</FONT>>];`,
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, color="#555555", margin="0.12,0.06"];',
    '  edge [fontname="Helvetica", fontsize=9, arrowsize=0.7];',
  ];
  const children = (parent: string | undefined) => graph.clusters.filter((c) => c.parent === parent);
  const nodesIn = (cluster: string | undefined) => graph.nodes.filter((n) => n.cluster === cluster);
  const nodeLine = (n: DiagramNode, indent: string) =>
    `${indent}${quote(n.id)} [label=${nodeLabel(n)}, fillcolor=${quote(NODE_COLOURS[n.kind])}${SHAPES[n.kind] ? `, shape=${SHAPES[n.kind]}` : ''}${n.address ? `, tooltip=${quote(n.address)}` : ''}];`;
  const cluster = (c: DiagramCluster, depth: number): string[] => {
    const indent = '  '.repeat(depth + 1);
    const style = CLUSTER_STYLE[c.kind];
    return [
      `${indent}subgraph ${quote(`cluster_${c.id}`)} {`,
      `${indent}  label=<<B>${escapeHtml(c.title)}</B>>; style=${quote(`${style.style},filled`)}; color=${quote(style.colour)}; fillcolor=${quote(style.fill)}; fontsize=11; margin=10;`,
      ...nodesIn(c.id).map((n) => nodeLine(n, `${indent}  `)),
      ...children(c.id).flatMap((child) => cluster(child, depth + 1)),
      `${indent}}`,
    ];
  };
  lines.push(...nodesIn(undefined).map((n) => nodeLine(n, '  ')));
  for (const c of children(undefined)) lines.push(...cluster(c, 0));
  // In each availability zone the subnets stack public → application → database, NAT beside public.
  for (const az of graph.clusters.filter((c) => c.kind === 'az')) {
    const order = ['public', 'private', 'application', 'database'];
    const subnets = nodesIn(az.id)
      .filter((n) => n.kind === 'subnet')
      .sort((a, b) => order.indexOf(a.title.split(' ')[0]) - order.indexOf(b.title.split(' ')[0]) || a.id.localeCompare(b.id));
    for (let i = 1; i < subnets.length; i++) lines.push(`  ${quote(subnets[i - 1].id)} -> ${quote(subnets[i].id)} [style=invis];`);
  }
  // The internet and the identities outside AWS on top; what hangs off the side (alarms, the rest) at the bottom.
  const ids = (kinds: NodeKind[]) => graph.nodes.filter((n) => kinds.includes(n.kind)).map((n) => quote(n.id));
  if (ids(['internet', 'github']).length) lines.push(`  { rank=min; ${ids(['internet', 'github']).join('; ')}; }`);
  // Below the data stores: the network floor plan (gateways and zones), the rest, and under it the alarms.
  const others = graph.nodes.some((n) => n.id === 'others') ? [quote('others')] : [];
  for (const from of ids(['database', 'cache'])) for (const to of [...ids(['gateway']), ...others]) lines.push(`  ${from} -> ${to} [style=invis];`);
  for (const from of others.length ? others : ids(['database', 'cache'])) for (const to of ids(['alarms'])) lines.push(`  ${from} -> ${to} [style=invis];`);
  lines.push(...graph.edges.map(edgeLine), '}');
  return `${lines.join('\n')}\n`;
}
