/**
 * The architecture graph as a Mermaid flowchart (GitHub renders Mermaid in Markdown): the same
 * nodes, clusters and edges as the DOT, with subgraphs for the clusters.
 */
import type { ArchitectureGraph, DiagramCluster, DiagramEdge, NodeKind } from './architecture';
import { NODE_COLOURS } from './dot';

/** Escapes text for a quoted Mermaid label (entity codes, as Mermaid expects). */
export function mermaidText(text: string): string {
  return text.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/** A Mermaid-safe id (letters, digits, underscores; never a keyword such as `end`). */
export function mermaidId(id: string): string {
  return `n_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

const ARROWS: Record<DiagramEdge['kind'], string> = {
  traffic: '==>',
  forward: '-->',
  redirect: '-.->',
  route: '-.-',
  assumes: '-.->',
  reads: '-->',
  notifies: '-->',
  triggers: '-.->',
  redeploys: '==>',
  encrypts: '-.->',
};

/** Renders the graph as a Mermaid flowchart; the same graph always gives the same text. */
export function toMermaid(graph: ArchitectureGraph): string {
  const lines = ['flowchart TB'];
  const label = (title: string, details: readonly string[]) => `"<b>${mermaidText(title)}</b>${details.map((d) => `<br/>${mermaidText(d)}`).join('')}"`;
  const node = (n: ArchitectureGraph['nodes'][number], indent: string) => {
    const [open, close] = ['database', 'cache', 'bucket', 'table'].includes(n.kind) ? ['[(', ')]'] : n.kind === 'internet' || n.kind === 'github' ? ['([', '])'] : ['[', ']'];
    return `${indent}${mermaidId(n.id)}${open}${label(n.title, n.details)}${close}`;
  };
  const cluster = (c: DiagramCluster, indent: string): string[] => [
    `${indent}subgraph ${mermaidId(`cluster_${c.id}`)}["${mermaidText(c.title)}"]`,
    ...graph.nodes.filter((n) => n.cluster === c.id).map((n) => node(n, `${indent}  `)),
    ...graph.clusters.filter((x) => x.parent === c.id).flatMap((x) => cluster(x, `${indent}  `)),
    `${indent}end`,
  ];
  lines.push(...graph.nodes.filter((n) => !n.cluster).map((n) => node(n, '  ')));
  lines.push(...graph.clusters.filter((c) => !c.parent).flatMap((c) => cluster(c, '  ')));
  for (const e of graph.edges) {
    const [from, to] = e.kind === 'route' ? [e.to, e.from] : [e.from, e.to];
    lines.push(`  ${mermaidId(from)} ${ARROWS[e.kind]}${e.label ? `|"${mermaidText(e.label)}"|` : ''} ${mermaidId(to)}`);
  }
  const kinds = [...new Set(graph.nodes.map((n) => n.kind))].sort() as NodeKind[];
  for (const kind of kinds) {
    const css = kind.replace(/-/g, '_');
    lines.push(`  classDef ${css} fill:${NODE_COLOURS[kind]},stroke:#555,color:#111`);
    lines.push(`  class ${graph.nodes.filter((n) => n.kind === kind).map((n) => mermaidId(n.id)).join(',')} ${css}`);
  }
  return `${lines.join('\n')}\n`;
}
