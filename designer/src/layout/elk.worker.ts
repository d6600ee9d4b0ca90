// Lays flows out with ELK (layered, top-down, orthogonal edges, one port per exit in model order) off the main
// thread, so a 1,000-node flow never freezes the page.
import ELK, { type ElkNode } from "elkjs/lib/elk.bundled.js";
import { portX } from "../model/exits";
import { inPortId, portId, type LayoutRequest, type LayoutResult } from "./protocol";
import type { Position } from "../model/types";

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

/** Past this many nodes ELK's thorough settings take seconds (bench/designer_speed.py): trade some crossing
 * minimisation and the model-order constraints for speed. */
const LARGE_FLOW_NODES = 200;
const LARGE_FLOW_OPTIONS = {
  "elk.layered.thoroughness": "1",
  "elk.layered.crossingMinimization.greedySwitch.type": "OFF",
  "elk.layered.considerModelOrder.strategy": "NONE",
  "elk.layered.nodePlacement.strategy": "SIMPLE",
};

function graphOf(request: LayoutRequest): ElkNode {
  const large = request.nodes.length > LARGE_FLOW_NODES;
  return {
    id: "root",
    layoutOptions: large ? { ...ROOT_OPTIONS, ...LARGE_FLOW_OPTIONS } : ROOT_OPTIONS,
    children: request.nodes.map((node) => ({
      id: node.id,
      width: node.width,
      height: node.height,
      layoutOptions: { "elk.portConstraints": "FIXED_POS" },
      ports: [
        {
          id: inPortId(node.id),
          x: node.width / 2,
          y: 0,
          width: 1,
          height: 1,
          layoutOptions: { "elk.port.side": "NORTH" },
        },
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

self.onmessage = async (message: MessageEvent<LayoutRequest>) => {
  const request = message.data;
  const started = performance.now();
  try {
    const laid = await elk.layout(graphOf(request));
    const positions: Record<string, Position> = {};
    for (const child of laid.children ?? []) positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
    const routes: Record<string, Position[]> = {};
    for (const edge of laid.edges ?? []) {
      const section = edge.sections?.[0];
      if (!section) continue;
      routes[edge.id] = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
    }
    const result: LayoutResult = { id: request.id, positions, routes, elapsedMs: performance.now() - started };
    self.postMessage(result);
  } catch (error) {
    const result: LayoutResult = {
      id: request.id,
      positions: {},
      routes: {},
      elapsedMs: performance.now() - started,
      error: String(error),
    };
    self.postMessage(result);
  }
};
