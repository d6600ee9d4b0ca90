// A flow version's heat map from its call records (`GET /api/flows/{name}/heatmap`, docs/records.md), painted on
// the canvas the way a capacity run's traffic is.
import type { TrafficPaint } from "../capacity/traffic";
import type { TraceEvent } from "./types";

export interface HeatMapNode {
  calls: number;
  visits: number;
  drops: number;
  errors: number;
}

export interface HeatMap {
  flow: string;
  version: number;
  from: string;
  to: string;
  calls: number;
  nodes: Record<string, HeatMapNode>;
  exits: { node: string; exit: string; taken: number }[];
}

/** One call through a node, as `GET …/heatmap/{node}/calls` lists it (the caller masked for viewers). */
export interface NodeCall {
  call_id: string;
  caller: string;
  start: string;
  outcome: string;
  duration_s?: number;
  [field: string]: unknown;
}

export const HEATMAP_JOB = "records";

/** What the canvas paints: each node by the callers who entered it, each exit by the times it was taken. */
export function heatPaint(map: HeatMap): TrafficPaint {
  const nodes: TrafficPaint["nodes"] = {};
  for (const [id, node] of Object.entries(map.nodes)) {
    nodes[id] = { visits: node.calls, exits: {}, drops: node.drops, errors: node.errors };
  }
  for (const exit of map.exits) {
    nodes[exit.node] ??= { visits: 0, exits: {}, drops: 0, errors: 0 };
    nodes[exit.node].exits[exit.exit] = exit.taken;
  }
  const max = Math.max(0, ...Object.values(map.nodes).map((n) => n.calls));
  return { job: HEATMAP_JOB, nodes, max, arrived: map.calls };
}

/** The nodes a recorded call went through, in order, as the phone panel lights a test call's path. */
export function pathOf(events: TraceEvent[]): string[] {
  const path: string[] = [];
  for (const event of events) if (event.node && path[path.length - 1] !== event.node) path.push(event.node);
  return path;
}
