// Times elkjs's layered layout on a flow graph (JSON from bench/elk_speed.py) under several option sets. The graph
// is built as designer/src/layout/elk.ts builds it: top-down, orthogonal routing, FIXED_POS ports (the way in on
// the north side, one port per exit on the south side in model order). Prints one JSON line per option set.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(new URL("../designer/package.json", import.meta.url));
const ELK = require("elkjs/lib/elk.bundled.js");

const BASE = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.layered.spacing.nodeNodeBetweenLayers": "80",
  "elk.spacing.nodeNode": "48",
  "elk.layered.spacing.edgeNodeBetweenLayers": "24",
  "elk.spacing.edgeEdge": "14",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.layered.cycleBreaking.strategy": "MODEL_ORDER",
  "elk.separateConnectedComponents": "true",
};
const BK1 = { "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF", "elk.layered.thoroughness": "1" };
export const SETS = {
  "network simplex (as shipped up to 150 nodes)": { "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX" },
  "network simplex, thoroughness 3": { "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX", "elk.layered.thoroughness": "3" },
  "Brandes-Köpf": { "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF" },
  "linear segments": { "elk.layered.nodePlacement.strategy": "LINEAR_SEGMENTS" },
  "Brandes-Köpf, thoroughness 1": BK1,
  "Brandes-Köpf, thoroughness 1, no crossing minimisation": { ...BK1, "elk.layered.crossingMinimization.strategy": "NONE" },
  "Brandes-Köpf, thoroughness 1, greedy switch off, merged edges": {
    ...BK1,
    "elk.layered.crossingMinimization.greedySwitch.type": "OFF",
    "elk.layered.mergeEdges": "true",
  },
  "Brandes-Köpf, thoroughness 1, polyline routing": { ...BK1, "elk.edgeRouting": "POLYLINE" },
  "Brandes-Köpf, thoroughness 1, only the breadth-first tree's edges": { ...BK1, treeOnly: true },
};

/** The breadth-first spanning tree's edges (start first, exits in model order), as the tree layout takes them. */
function treeEdges(graph) {
  const outgoing = new Map(graph.nodes.map((n) => [n.id, []]));
  for (const edge of graph.edges) outgoing.get(edge.from)?.push(edge);
  const reached = new Set();
  const kept = [];
  for (const start of graph.nodes) {
    if (reached.has(start.id)) continue;
    reached.add(start.id);
    const queue = [start.id];
    for (let i = 0; i < queue.length; i++) {
      for (const edge of outgoing.get(queue[i])) {
        if (reached.has(edge.to)) continue;
        reached.add(edge.to);
        kept.push(edge);
        queue.push(edge.to);
      }
    }
  }
  return kept;
}

function elkGraph(graph, { treeOnly, ...options }) {
  const edges = treeOnly ? treeEdges(graph) : graph.edges;
  return {
    id: "root",
    layoutOptions: { ...BASE, ...options },
    children: graph.nodes.map((node) => {
      const width = Math.max(220, node.exits.length * 64);
      const ports = node.exits.map((exit, index) => ({
        id: `${node.id}\u0000${exit}`,
        x: ((index + 0.5) * width) / Math.max(node.exits.length, 1),
        y: 84,
        width: 1,
        height: 1,
        layoutOptions: { "elk.port.side": "SOUTH", "elk.port.index": String(index) },
      }));
      const way_in = { id: `${node.id}\u0000\u0000in`, x: width / 2, y: 0, width: 1, height: 1, layoutOptions: { "elk.port.side": "NORTH" } };
      return { id: node.id, width, height: 84, layoutOptions: { "elk.portConstraints": "FIXED_POS" }, ports: [way_in, ...ports] };
    }),
    edges: edges.map((e) => ({ id: e.id, sources: [`${e.from}\u0000${e.exit}`], targets: [`${e.to}\u0000\u0000in`] })),
  };
}

const [file, runs] = [process.argv[2], Number(process.argv[3] ?? 1)];
const graph = JSON.parse(readFileSync(file, "utf8"));
const elk = new ELK();
for (const [name, options] of Object.entries(SETS)) {
  const times = [];
  let laid = null;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    laid = await elk.layout(elkGraph(graph, options));
    times.push(performance.now() - started);
  }
  let [width, height] = [0, 0];
  for (const child of laid.children) [width, height] = [Math.max(width, child.x + child.width), Math.max(height, child.y + child.height)];
  console.log(JSON.stringify({ name, times, width, height }));
}
