// A node's exits in model order: the family exits the flow lists (menu keys, `when` cases) in the flow's order,
// then the node type's fixed exits in its order, then any other exit the flow wires (open exits).
import { Position, type NodeHandle } from "@xyflow/react";
import type { FlowEdge, NodeTypeInfo } from "./types";

export interface ExitInfo {
  name: string;
  required: boolean;
  wired: boolean;
  target: string | null;
  family: string | null;
}

export function familyWords(info: NodeTypeInfo | undefined): string[] {
  return (info?.families ?? []).map((family) => (typeof family === "string" ? family : family.word));
}

export function exitsOf(info: NodeTypeInfo | undefined, outgoing: FlowEdge[]): ExitInfo[] {
  const words = familyWords(info);
  const targetOf = new Map(outgoing.map((edge) => [edge.exit, edge.to]));
  const seen = new Set<string>();
  const exits: ExitInfo[] = [];
  const add = (name: string, required: boolean, family: string | null) => {
    if (seen.has(name)) return;
    seen.add(name);
    const target = targetOf.get(name) ?? null;
    exits.push({ name, required, wired: target !== null, target, family });
  };
  for (const edge of outgoing) {
    const word = words.find((w) => edge.exit === w || edge.exit.startsWith(`${w} `));
    if (word) add(edge.exit, false, word);
  }
  for (const exit of info?.exits ?? []) add(exit.name, exit.required, null);
  for (const edge of outgoing) add(edge.exit, false, null);
  return exits;
}

/** The edges leaving each node, in the flow's order. */
export function outgoingByNode(edges: FlowEdge[]): Map<string, FlowEdge[]> {
  const byNode = new Map<string, FlowEdge[]>();
  for (const edge of edges) {
    const list = byNode.get(edge.from);
    if (list) list.push(edge);
    else byNode.set(edge.from, [edge]);
  }
  return byNode;
}

/** The width a node needs for its exits' handles (and labels) along its bottom edge. */
export function nodeWidth(exitCount: number): number {
  return Math.max(220, exitCount * 64);
}

export const NODE_HEIGHT = 84;

/** Where a node's exit handle sits along its bottom edge (the same point ELK routes the edge from). */
export function portX(index: number, count: number, width: number): number {
  return ((index + 0.5) * width) / Math.max(count, 1);
}

/** Where React Flow finds a node's handles without measuring them (so nodes out of view are never rendered just to
 * be measured, and edges to them are drawn all the same): the way in at the top's middle, one exit per port along
 * the bottom, as styles.css draws them. */
export function handlesOf(exits: string[], width: number): NodeHandle[] {
  const IN = { width: 10, height: 6 };
  const OUT = 9;
  return [
    { id: "in", type: "target" as const, position: Position.Top, x: width / 2 - IN.width / 2, y: -IN.height / 2, ...IN },
    ...exits.map((exit, index) => ({
      id: exit,
      type: "source" as const,
      position: Position.Bottom,
      x: portX(index, exits.length, width) - OUT / 2,
      y: NODE_HEIGHT - OUT / 2,
      width: OUT,
      height: OUT,
    })),
  ];
}
