// The service's semantic diff (docs/diff.md) made into what the canvas paints: a status per node of the version
// shown, the prompt texts each node plays that changed (old -> new), the exits that lead elsewhere, and the nodes
// the newer side no longer has, drawn as ghosts where they stood in the older version.
import type { DiffAnswer, NodeDiffStatus, TextChange } from "../model/diff";
import type { FlowEdge, FlowGraph, FlowNode, Position } from "../model/types";

export interface Ghost {
  node: FlowNode;
  position: Position;
}

export interface GhostEdge {
  id: string;
  from: string;
  exit: string;
  to: string;
}

export interface DiffPaint {
  from: string;
  to: string;
  answer: DiffAnswer;
  /** The older side's graph (ghosts and their texts come from it). */
  old: FlowGraph;
  /** The newer side's graph when it is a version rather than the draft (the canvas then shows it, read-only). */
  version: FlowGraph | null;
  nodes: Record<string, NodeDiffStatus>;
  /** Per node of the newer side: the changed texts of the prompts it plays. */
  texts: Record<string, { prompt: string; change: TextChange }[]>;
  /** Edge ids (`from\0exit`) of the newer side that lead somewhere new. */
  rewiredEdges: Set<string>;
  ghosts: Ghost[];
  /** Where exits used to lead: edges of the older side whose exit now leads elsewhere, or from removed nodes. */
  ghostEdges: GhostEdge[];
}

const LAYER = 164;
const COLUMN = 260;

/** Where a removed node is drawn: where the older version placed it, else beside what led to it or from it. */
function ghostPositions(removed: FlowNode[], old: FlowGraph, shown: Record<string, Position>): Record<string, Position> {
  const placed: Record<string, Position> = {};
  const taken = new Map<string, number>();
  const beside = (anchor: Position, dy: number) => {
    const key = `${Math.round(anchor.x)},${Math.round(anchor.y + dy)}`;
    const n = taken.get(key) ?? 0;
    taken.set(key, n + 1);
    return { x: anchor.x + n * COLUMN, y: anchor.y + dy };
  };
  const right = Math.max(0, ...Object.values(shown).map((p) => p.x)) + 2 * COLUMN;
  let stacked = 0;
  for (const node of removed) {
    const saved = old.layout?.[node.id];
    const into = old.edges.find((e) => e.to === node.id && (shown[e.from] || placed[e.from]));
    const out = old.edges.find((e) => e.from === node.id && (shown[e.to] || placed[e.to]));
    if (saved && Object.keys(shown).some((id) => old.layout?.[id] && near(old.layout[id], shown[id]))) placed[node.id] = saved;
    else if (into) placed[node.id] = beside(shown[into.from] ?? placed[into.from], LAYER);
    else if (out) placed[node.id] = beside(shown[out.to] ?? placed[out.to], -LAYER);
    else placed[node.id] = { x: right, y: LAYER * stacked++ };
  }
  return placed;
}

const near = (a: Position, b: Position | undefined) => !!b && Math.abs(a.x - b.x) < 1 && Math.abs(a.y - b.y) < 1;
const edgeKey = (e: { from: string; exit: string }) => `${e.from}\u0000${e.exit}`;

/** What the canvas paints for a diff between `old` and the shown flow (the draft, or `version`). */
export function paintDiff(answer: DiffAnswer, old: FlowGraph, shown: FlowGraph, version: FlowGraph | null): DiffPaint {
  const diff = answer.diff;
  const nodes: Record<string, NodeDiffStatus> = {};
  const rewiredEdges = new Set<string>();
  const ghostEdges: GhostEdge[] = [];
  const removedIds = new Set<string>();
  for (const change of diff.nodes) {
    if (change.status === "removed") {
      removedIds.add(change.id);
      continue;
    }
    // Only moved (drawn elsewhere, calls go the same): listed beside the canvas, not painted over it.
    if (change.status !== "moved") nodes[change.id] = change.status;
    for (const exit of change.exits) {
      if (exit.new) rewiredEdges.add(edgeKey({ from: change.id, exit: exit.exit }));
      if (exit.old && change.status !== "renamed") {
        ghostEdges.push({ id: `ghost\u0000${change.id}\u0000${exit.exit}`, from: change.id, exit: exit.exit, to: exit.old });
      }
    }
  }
  const texts: DiffPaint["texts"] = {};
  for (const prompt of diff.prompts) {
    if (prompt.status !== "changed") continue;
    for (const user of prompt.used_by) {
      texts[user] = [...(texts[user] ?? []), ...prompt.text.map((change) => ({ prompt: prompt.id, change }))];
      nodes[user] ??= "changed";
    }
  }
  const removed = old.nodes.filter((n) => removedIds.has(n.id));
  const positions = ghostPositions(removed, old, shown.layout ?? {});
  for (const edge of old.edges as FlowEdge[]) {
    if (!removedIds.has(edge.from) && !removedIds.has(edge.to)) continue;
    if (removedIds.has(edge.to) && ghostEdges.some((g) => g.from === edge.from && g.exit === edge.exit)) continue;
    ghostEdges.push({ id: `ghost\u0000${edge.from}\u0000${edge.exit}`, from: edge.from, exit: edge.exit, to: edge.to });
  }
  return {
    from: String(answer.from),
    to: String(answer.to),
    answer,
    old,
    version,
    nodes,
    texts,
    rewiredEdges,
    ghosts: removed.map((node) => ({ node, position: positions[node.id] })),
    ghostEdges,
  };
}
