// Lays the open flow out in the worker: on first open (kept out of the undo history) and on "tidy up" (undoable).
import { layout } from "../layout/layout";
import { LARGE_FLOW_NODES, type LayoutResult } from "../layout/protocol";
import { exitsOf, NODE_HEIGHT, nodeWidth, outgoingByNode } from "../model/exits";
import type { FlowGraph, NodeTypeInfo, Position } from "../model/types";
import { applyLayout, edgeId, useEditor, type Routes } from "../store/editor";

export async function computeLayout(flow: FlowGraph, types: Record<string, NodeTypeInfo>) {
  const outgoing = outgoingByNode(flow.edges);
  const ids = new Set(flow.nodes.map((n) => n.id));
  const nodes = flow.nodes.map((node) => {
    const exits = exitsOf(types[node.type], outgoing.get(node.id) ?? []).map((e) => e.name);
    return { id: node.id, width: nodeWidth(exits.length), height: NODE_HEIGHT, exits };
  });
  const edges = flow.edges
    .filter((e) => ids.has(e.from) && ids.has(e.to))
    .map((e) => ({ id: edgeId(e), from: e.from, exit: e.exit, to: e.to }));
  return layout(nodes, edges);
}

const near = (a: Position | undefined, b: Position | undefined) =>
  !!a && !!b && Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5;

/** On opening: lay out a flow with no saved layout; otherwise keep its positions and take ELK's routes for the
 * edges whose two nodes are still where ELK would put them. */
export async function layoutOnOpen() {
  const { flow, nodeTypes } = useEditor.getState();
  if (!flow) return null;
  const saved = flow.layout ?? {};
  if (flow.nodes.length > LARGE_FLOW_NODES && flow.nodes.every((n) => saved[n.id])) {
    // Every node is placed and a big flow's layout has no edge routes to offer: nothing to compute.
    const none: LayoutResult = { id: 0, positions: {}, routes: {}, engine: "none", elapsedMs: 0 };
    return none;
  }
  const result = await computeLayout(flow, nodeTypes);
  if (result.error || useEditor.getState().flow?.flow !== flow.flow) return result;
  const missing = flow.nodes.some((n) => !saved[n.id]);
  if (missing && Object.keys(saved).length === 0) {
    useEditor.setState((s) => (s.flow ? { flow: { ...s.flow, layout: result.positions }, routes: result.routes } : {}));
  } else {
    const routes: Routes = {};
    for (const edge of flow.edges) {
      const id = edgeId(edge);
      if (near(saved[edge.from], result.positions[edge.from]) && near(saved[edge.to], result.positions[edge.to])) {
        if (result.routes[id]) routes[id] = result.routes[id];
      }
    }
    const layoutFilled = { ...result.positions, ...saved };
    useEditor.setState((s) => (s.flow ? { flow: { ...s.flow, layout: layoutFilled }, routes } : {}));
  }
  useEditor.temporal.getState().clear();
  return result;
}

/** "Tidy up": a fresh layered layout, as one undoable change. */
export async function tidyUp() {
  const { flow, nodeTypes } = useEditor.getState();
  if (!flow) return null;
  const result = await computeLayout(flow, nodeTypes);
  if (!result.error) applyLayout(result.positions, result.routes);
  return result;
}
