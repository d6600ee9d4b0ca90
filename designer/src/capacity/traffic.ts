// A capacity run's traffic painted on the canvas: the calls through each node and exit (the heat map's numbers).
import type { LoadResult, NodeTraffic } from "../model/capacity";

export interface TrafficPaint {
  /** The job the numbers come from. */
  job: string;
  /** The flow's nodes (a run also counts the flows it calls; those are not on this canvas). */
  nodes: Record<string, NodeTraffic>;
  /** Calls through the busiest node. */
  max: number;
  /** Calls that arrived. */
  arrived: number;
}

export const HEAT_LEVELS = 5;

/** Each heat's colour (0: no call), as heat.css paints nodes; the minimap and the legend use them. */
export const HEAT_COLOURS = ["#e3e6eb", "#fde9a8", "#f9c96b", "#f39a3d", "#e5632b", "#c62828"];

/** A node's heat: 0 for a node no call entered, else 1 to 5 by its share of the busiest node's calls. */
export function heatOf(visits: number, max: number): number {
  if (visits <= 0 || max <= 0) return 0;
  return Math.max(1, Math.ceil((visits / max) * HEAT_LEVELS));
}

/** What the canvas paints for one flow of a run's result (null when the run did not go through it). */
export function trafficOf(job: string, result: LoadResult, flow: string): TrafficPaint | null {
  const nodes = result.nodes[flow];
  if (!nodes) return null;
  const max = Math.max(0, ...Object.values(nodes).map((n) => n.visits));
  return { job, nodes, max, arrived: result.calls.arrived };
}
