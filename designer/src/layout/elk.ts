// ELK's layered layout (top-down, orthogonal edges, one port per exit in model order, loops back to a menu as
// back edges): the thorough drawing, for flows of up to LARGE_FLOW_NODES nodes. Loaded by the worker only when
// a flow that small is laid out, so big flows never pay for ELK's 1.4 MB.
import ELK, { type ElkNode } from "elkjs/lib/elk.bundled.js";
import { portX } from "../model/exits";
import type { Position } from "../model/types";
import { inPortId, portId, type LayoutRequest } from "./protocol";

const elk = new ELK();

const ROOT_OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.layered.spacing.nodeNodeBetweenLayers": "80",
  "elk.spacing.nodeNode": "48",
  "elk.layered.spacing.edgeNodeBetweenLayers": "24",
  "elk.spacing.edgeEdge": "14",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.layered.cycleBreaking.strategy": "MODEL_ORDER",
  "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX",
  "elk.separateConnectedComponents": "true",
};

function graphOf(request: LayoutRequest): ElkNode {
  return {
    id: "root",
    layoutOptions: ROOT_OPTIONS,
    children: request.nodes.map((node) => ({
      id: node.id,
      width: node.width,
      height: node.height,
      layoutOptions: { "elk.portConstraints": "FIXED_POS" },
      ports: [
        { id: inPortId(node.id), x: node.width / 2, y: 0, width: 1, height: 1, layoutOptions: { "elk.port.side": "NORTH" } },
        ...node.exits.map((exit, index) => ({
          id: portId(node.id, exit),
          x: portX(index, node.exits.length, node.width),
          y: node.height,
          width: 1,
          height: 1,
          layoutOptions: { "elk.port.side": "SOUTH", "elk.port.index": String(index) },
        })),
      ],
    })),
    edges: request.edges.map((edge) => ({
      id: edge.id,
      sources: [portId(edge.from, edge.exit)],
      targets: [inPortId(edge.to)],
    })),
  };
}

/** Positions and orthogonal edge routes (start, bend points, end) by ELK. */
export async function elkLayout(request: LayoutRequest) {
  const laid = await elk.layout(graphOf(request));
  const positions: Record<string, Position> = {};
  for (const child of laid.children ?? []) positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  const routes: Record<string, Position[]> = {};
  for (const edge of laid.edges ?? []) {
    const section = edge.sections?.[0];
    if (section) routes[edge.id] = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
  }
  return { positions, routes };
}
