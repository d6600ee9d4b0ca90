// Messages between the page and the layout worker.
import type { Position } from "../model/types";

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
  exits: string[];
}

export interface LayoutEdge {
  id: string;
  from: string;
  exit: string;
  to: string;
}

export interface LayoutRequest {
  id: number;
  nodes: LayoutNode[];
  edges: LayoutEdge[];
}

export interface LayoutResult {
  id: number;
  positions: Record<string, Position>;
  routes: Record<string, Position[]>;
  /** Which layout drew it: ELK's layered layout, or the tree layout of big flows. */
  engine: "elk" | "tree" | "none";
  /** Milliseconds the layout took in the worker (the benchmark reads this). */
  elapsedMs: number;
  error?: string;
}

/** Past this many nodes a flow is laid out by the linear tree layout instead of ELK (bench/designer_speed.py:
 * ELK took seconds from 200 nodes on). */
export const LARGE_FLOW_NODES = 150;

export const portId = (node: string, exit: string) => `${node}\u0000${exit}`;
export const inPortId = (node: string) => `${node}\u0000\u0000in`;
