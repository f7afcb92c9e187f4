/**
 * The change diagram of the pull-request comment: the resources a plan changes and their direct
 * neighbours (what they reference and what references them, from the plan's `configuration`
 * section), as a Mermaid flowchart coloured by action. Only addresses and types are kept, never
 * values, so the graph can travel in the plan summary.
 */
import { mermaidText } from './mermaid';

/** What a node of the change diagram does in the plan (`unchanged`: a neighbour only). */
export type ChangeNodeAction = 'create' | 'update' | 'delete' | 'replace' | 'forget' | 'import' | 'move' | 'unchanged';

export interface ChangeGraph {
  readonly nodes: readonly { readonly address: string; readonly action: ChangeNodeAction }[];
  /** `[from, to]`: `from`'s configuration refers to `to`. */
  readonly edges: readonly (readonly [string, string])[];
}

/** The parts of `terraform show -json`'s `configuration` section read here. */
export interface PlanConfiguration {
  readonly root_module?: ConfigModule;
}
interface ConfigModule {
  readonly resources?: readonly { readonly address: string; readonly mode?: string; readonly expressions?: unknown; readonly depends_on?: readonly string[] }[];
  readonly module_calls?: Readonly<Record<string, { readonly module?: ConfigModule }>>;
}

const NOT_RESOURCES = new Set(['var', 'local', 'module', 'each', 'count', 'path', 'terraform', 'self', 'data']);

/** `aws_x.y[0]` → `aws_x.y`; `module.m.aws_x.y["k"]` → `module.m.aws_x.y`. */
export function baseAddress(address: string): string {
  return address.replace(/\[[^\]]*\]/g, '');
}

/** Every managed resource of the configuration with the managed resources it refers to. */
function configurationReferences(configuration: PlanConfiguration | undefined): Map<string, Set<string>> {
  const refs = new Map<string, Set<string>>();
  const visit = (module: ConfigModule | undefined, prefix: string) => {
    for (const r of module?.resources ?? []) {
      if (r.mode !== undefined && r.mode !== 'managed') continue;
      const found = new Set<string>();
      const walk = (v: unknown, key?: string): void => {
        if (key === 'references' && Array.isArray(v)) {
          for (const ref of v) {
            const [type, name] = String(ref).split('.');
            if (name && !NOT_RESOURCES.has(type)) found.add(`${prefix}${type}.${name.replace(/\[.*$/, '')}`);
          }
        } else if (Array.isArray(v)) v.forEach((x) => walk(x));
        else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => walk(x, k));
      };
      walk(r.expressions);
      for (const d of r.depends_on ?? []) if (!NOT_RESOURCES.has(d.split('.')[0])) found.add(`${prefix}${baseAddress(d)}`);
      found.delete(`${prefix}${r.address}`);
      refs.set(`${prefix}${r.address}`, found);
    }
    for (const [name, call] of Object.entries(module?.module_calls ?? {}).sort(([a], [b]) => a.localeCompare(b))) visit(call.module, `${prefix}module.${name}.`);
  };
  visit(configuration?.root_module, '');
  return refs;
}

const SEVERITY: ChangeNodeAction[] = ['delete', 'replace', 'update', 'create', 'move', 'import', 'forget', 'unchanged'];

/** The changed resources (by address without instance keys) and their direct neighbours, with every edge among them. */
export function changeGraph(changes: readonly { readonly address: string; readonly action: ChangeNodeAction }[], configuration?: PlanConfiguration): ChangeGraph {
  const action = new Map<string, ChangeNodeAction>();
  for (const c of changes) {
    const base = baseAddress(c.address);
    const known = action.get(base);
    if (!known || SEVERITY.indexOf(c.action) < SEVERITY.indexOf(known)) action.set(base, c.action);
  }
  const refs = configurationReferences(configuration);
  const changed = new Set(action.keys());
  const edges = new Set<string>();
  for (const [from, tos] of refs) {
    for (const to of tos) {
      if (!refs.has(to) || (!changed.has(from) && !changed.has(to))) continue;
      edges.add(JSON.stringify([from, to]));
      for (const n of [from, to]) if (!action.has(n)) action.set(n, 'unchanged');
    }
  }
  return {
    nodes: [...action].map(([address, a]) => ({ address, action: a })).sort((a, b) => a.address.localeCompare(b.address)),
    edges: [...edges].sort().map((e) => JSON.parse(e) as [string, string]),
  };
}

const CLASS: Record<ChangeNodeAction, string> = {
  create: 'create',
  update: 'update',
  replace: 'replace',
  delete: 'destroy',
  forget: 'other',
  import: 'other',
  move: 'other',
  unchanged: 'unchanged',
};
const SYMBOL: Record<ChangeNodeAction, string> = { create: '+', update: '~', replace: '-/+', delete: '-', forget: 'forget', import: 'import', move: 'move', unchanged: '' };
const STYLES = [
  'classDef create fill:#d3f9d8,stroke:#2b8a3e,color:#111',
  'classDef update fill:#fff3bf,stroke:#e67700,color:#111',
  'classDef replace fill:#ffd8a8,stroke:#d9480f,color:#111',
  'classDef destroy fill:#ffc9c9,stroke:#c92a2a,color:#111',
  'classDef other fill:#d0ebff,stroke:#1971c2,color:#111',
  'classDef unchanged fill:#f1f3f5,stroke:#adb5bd,color:#495057',
];

export interface ChangeDiagramOptions {
  /** Most changed resources drawn. @default 30 */
  readonly maxChanged?: number;
  /** Most nodes drawn in all (changed and neighbours). @default 50 */
  readonly maxNodes?: number;
}

/** The change graph as a Mermaid flowchart, capped; `omitted` counts what was left out. */
export function changeMermaid(graph: ChangeGraph, options: ChangeDiagramOptions = {}): { text: string; omittedChanged: number; omittedNeighbours: number } {
  const maxChanged = options.maxChanged ?? 30;
  const maxNodes = options.maxNodes ?? 50;
  const bySeverity = (a: ChangeGraph['nodes'][number], b: ChangeGraph['nodes'][number]) => SEVERITY.indexOf(a.action) - SEVERITY.indexOf(b.action) || a.address.localeCompare(b.address);
  const changed = graph.nodes.filter((n) => n.action !== 'unchanged').sort(bySeverity);
  const shownChanged = changed.slice(0, maxChanged);
  const shownSet = new Set(shownChanged.map((n) => n.address));
  const neighbours = graph.nodes
    .filter((n) => n.action === 'unchanged' && graph.edges.some(([a, b]) => (a === n.address && shownSet.has(b)) || (b === n.address && shownSet.has(a))))
    .sort(bySeverity);
  const shownNeighbours = neighbours.slice(0, Math.max(0, maxNodes - shownChanged.length));
  const shown = [...shownChanged, ...shownNeighbours].sort((a, b) => a.address.localeCompare(b.address));
  const ids = new Map(shown.map((n, i) => [n.address, `r${i}`]));
  const lines = ['flowchart LR'];
  for (const n of shown) lines.push(`  ${ids.get(n.address)}["${mermaidText(`${SYMBOL[n.action]} ${n.address}`.trim())}"]`);
  for (const [a, b] of graph.edges) if (ids.has(a) && ids.has(b)) lines.push(`  ${ids.get(a)} --> ${ids.get(b)}`);
  lines.push(...STYLES.map((s) => `  ${s}`));
  for (const [action, css] of Object.entries(CLASS)) {
    const members = shown.filter((n) => n.action === action).map((n) => ids.get(n.address));
    if (members.length) lines.push(`  class ${members.join(',')} ${css}`);
  }
  return { text: lines.join('\n'), omittedChanged: changed.length - shownChanged.length, omittedNeighbours: neighbours.length - shownNeighbours.length };
}

/** The collapsed `<details>` block with the change diagram, for the pull-request comment. */
export function changeDiagramMarkdown(graph: ChangeGraph, options: ChangeDiagramOptions = {}): string {
  const changed = graph.nodes.filter((n) => n.action !== 'unchanged').length;
  if (changed === 0) return '';
  const { text, omittedChanged, omittedNeighbours } = changeMermaid(graph, options);
  const more = [
    omittedChanged ? `and ${omittedChanged} more changed resource${omittedChanged === 1 ? '' : 's'} (listed in the table above)` : '',
    omittedNeighbours ? `${omittedChanged ? '' : 'and '}${omittedNeighbours} more unchanged neighbour${omittedNeighbours === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return [
    `<details><summary>Diagram: ${changed} changed resource${changed === 1 ? '' : 's'} and ${changed === 1 ? 'its' : 'their'} direct neighbours</summary>`,
    '',
    '🟩 create · 🟨 update · 🟧 replace · 🟥 destroy · 🟦 move, import or forget · ⬜ unchanged neighbour; an arrow points at what a resource refers to.',
    '',
    '```mermaid',
    text,
    '```',
    ...(more.length ? ['', `… ${more.join(', ')}: not drawn.`] : []),
    '',
    '</details>',
  ].join('\n');
}
