// The canvas's edges: one per wired exit (through ELK's route when it still fits), lit on a call's path, painted
// by coverage, by traffic (and the heat map's exits no test takes) or by a diff (exits leading somewhere new); and
// a diff's ghost edges, where exits used to lead.
import { MarkerType } from "@xyflow/react";
import { heatOf, type TrafficPaint } from "../capacity/traffic";
import type { Coverage, FlowGraph, Position } from "../model/types";
import type { UntestedPaint } from "../model/untested";
import type { DiffPaint } from "../panels/diffPaint";
import { edgeId, type Routes } from "../store/editor";
import type { ElkEdgeView } from "./ElkEdge";

const marker = { type: MarkerType.ArrowClosed, width: 16, height: 16 };

export function buildEdges(
  flow: FlowGraph,
  positions: Record<string, Position>,
  routes: Routes,
  dragging: Record<string, Position>,
  shownPath: string[],
  coverage: Coverage | null,
  diff: DiffPaint | null,
  traffic: TrafficPaint | null = null,
  untested: UntestedPaint | null = null,
): ElkEdgeView[] {
  const litPairs = new Set<string>();
  for (let i = 1; i < shownPath.length; i++) litPairs.add(`${shownPath[i - 1]}\u0000${shownPath[i]}`);
  const ids = new Set(flow.nodes.map((n) => n.id));
  return flow.edges
    .filter((e) => ids.has(e.from) && ids.has(e.to))
    .map((edge) => {
      const id = edgeId(edge);
      const moving = edge.from in dragging || edge.to in dragging;
      const lit = litPairs.has(`${edge.from}\u0000${edge.to}`);
      return {
        id,
        type: "elk" as const,
        source: edge.from,
        sourceHandle: edge.exit,
        target: edge.to,
        targetHandle: "in",
        markerEnd: marker,
        zIndex: lit ? 2 : 0,
        data: {
          points: moving ? null : (routes[id] ?? null),
          lit,
          back: (positions[edge.to]?.y ?? 0) <= (positions[edge.from]?.y ?? 0),
          covered: coverage ? (coverage.exits[`${edge.from}/${edge.exit}`] ?? 0) : null,
          heat: traffic ? heatOf(traffic.nodes[edge.from]?.exits[edge.exit] ?? 0, traffic.max) : null,
          untested: untested?.exits.has(`${edge.from}/${edge.exit}`) ?? false,
          exit: edge.exit,
          diff: diff?.rewiredEdges.has(id) ? (diff.nodes[edge.from] === "added" ? "added" : "rewired") : null,
        },
      };
    });
}

/** Where exits used to lead, drawn dashed between nodes the canvas shows (ghosts included). */
export function ghostEdgeViews(diff: DiffPaint, flow: FlowGraph, positions: Record<string, Position>): ElkEdgeView[] {
  const shown = new Set([...flow.nodes.map((n) => n.id), ...diff.ghosts.map((g) => g.node.id)]);
  const ghostAt = Object.fromEntries(diff.ghosts.map((g) => [g.node.id, g.position]));
  return diff.ghostEdges
    .filter((e) => shown.has(e.from) && shown.has(e.to))
    .map((edge) => ({
      id: edge.id,
      type: "elk" as const,
      source: edge.from,
      sourceHandle: edge.exit,
      target: edge.to,
      targetHandle: "in",
      markerEnd: marker,
      selectable: false,
      deletable: false,
      zIndex: 1,
      data: {
        points: null,
        lit: false,
        back: ((ghostAt[edge.to] ?? positions[edge.to])?.y ?? 0) <= ((ghostAt[edge.from] ?? positions[edge.from])?.y ?? 0),
        covered: null,
        exit: edge.exit,
        diff: "removed" as const,
      },
    }));
}
