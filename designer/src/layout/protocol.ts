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
  /** Milliseconds ELK spent in the worker (the benchmark reads this). */
  elapsedMs: number;
  error?: string;
}

export const portId = (node: string, exit: string) => `${node}\u0000${exit}`;
export const inPortId = (node: string) => `${node}\u0000\u0000in`;
