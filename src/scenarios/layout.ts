import type { CompiledScenario } from './load';

export interface MapNode {
  id: string;
  kind: 'decision' | 'route' | 'ending';
  outcome?: string;
  /** A short title from the node's line (the owner's words; a routing step or ending its own), at most 16 characters. */
  label: string;
  /** `label` in two rows for the map's box. */
  lines: string[];
  x: number;
  y: number;
  onBestPath: boolean;
}
export interface MapEdge {
  from: string;
  to: string;
  /** Choice id, or `route` / `limit`. */
  via: string;
  onBestPath: boolean;
}
export interface ScenarioMap {
  nodes: MapNode[];
  edges: MapEdge[];
  width: number;
  height: number;
  boxWidth: number;
  boxHeight: number;
}

const BOX_W = 132;
const BOX_H = 48;
const GAP_X = 24;
const GAP_Y = 56;
/** Characters per row of a box's title (12 px type in a 132 px box). */
const LINE = 9;

/** A node's words, shortened for the map: stage directions and quotes dropped, cut at 2 rows with “…”. */
export function shortTitle(text: string): string {
  const clean = text.replace(/[（(].*?[）)]/g, '').replace(/[“”"「」]/g, '').replace(/\s+/g, '').trim();
  return clean.length > 2 * LINE ? `${clean.slice(0, 2 * LINE - 1)}…` : clean;
}

/**
 * Lays out a scenario as rows: each node at its shortest distance from the
 * start, endings on the last row. Pure data for the trainer's branch map.
 */
export function layoutScenario(s: CompiledScenario): ScenarioMap {
  const { def, analysis } = s;
  const edges: MapEdge[] = [];
  const bestChoices = new Set(analysis.bestPath.choices);
  for (const [id, n] of Object.entries(def.nodes)) {
    for (const c of n.choices ?? []) edges.push({ from: id, to: c.next, via: c.id, onBestPath: bestChoices.has(c.id) });
    for (const r of n.route ?? []) edges.push({ from: id, to: r.next, via: 'route', onBestPath: false });
  }
  const depth = new Map<string, number>([[def.start, 0]]);
  const queue = [def.start];
  while (queue.length) {
    const id = queue.shift()!;
    for (const e of edges) {
      if (e.from === id && !depth.has(e.to) && e.to in def.nodes) {
        depth.set(e.to, depth.get(id)! + 1);
        queue.push(e.to);
      }
    }
  }
  // Nodes on the best path: those its choices leave from, plus routes between them and its ending.
  const bestNodes = new Set<string>([analysis.bestPath.ending]);
  for (const e of edges) if (e.onBestPath) bestNodes.add(e.from);
  for (const e of edges) if (e.onBestPath && e.to in def.nodes && def.nodes[e.to]!.route) bestNodes.add(e.to);
  for (const e of edges) if (e.via === 'route' && bestNodes.has(e.from) && (bestNodes.has(e.to) || e.to === analysis.bestPath.ending)) e.onBestPath = true;

  const lastRow = Math.max(0, ...depth.values()) + 1;
  const rows = new Map<number, string[]>();
  for (const id of Object.keys(def.nodes)) {
    const r = depth.get(id) ?? lastRow - 1;
    rows.set(r, [...(rows.get(r) ?? []), id]);
  }
  rows.set(lastRow, Object.keys(def.endings));
  const widest = Math.max(...[...rows.values()].map((r) => r.length));
  const width = widest * BOX_W + (widest + 1) * GAP_X;
  const nodes: MapNode[] = [];
  for (const [row, ids] of [...rows.entries()].sort((a, b) => a[0] - b[0])) {
    const rowWidth = ids.length * BOX_W + (ids.length - 1) * GAP_X;
    ids.forEach((id, i) => {
      const x = (width - rowWidth) / 2 + i * (BOX_W + GAP_X);
      const y = GAP_Y / 2 + row * (BOX_H + GAP_Y);
      const ending = def.endings[id];
      const node = def.nodes[id];
      const text = ending ? ending.debrief : node?.route ? '按条件分流' : node?.line ?? '';
      const label = shortTitle(text);
      nodes.push({
        id,
        kind: ending ? 'ending' : node?.route ? 'route' : 'decision',
        outcome: ending?.outcome,
        label,
        lines: [label.slice(0, LINE), label.slice(LINE)].filter(Boolean),
        x,
        y,
        onBestPath: bestNodes.has(id),
      });
    });
  }
  return { nodes, edges, width, height: (lastRow + 1) * (BOX_H + GAP_Y), boxWidth: BOX_W, boxHeight: BOX_H };
}
