// The heat map beside the flow's test coverage: the nodes and exits callers take but no test case does, ranked by
// how many calls took them, and the reverse (tested paths no caller took), counted.
import type { HeatMap } from "./heatmap";
import type { Coverage } from "./types";

/** A node (`exit` null) or an exit that callers took and no test case did. */
export interface UntestedPath {
  node: string;
  exit: string | null;
  /** Callers who entered the node, or times the exit was taken. */
  calls: number;
}

/** What the canvas marks: the untested nodes, and the untested exits as `node/exit`. */
export interface UntestedPaint {
  nodes: Set<string>;
  exits: Set<string>;
}

export interface SideBySide {
  /** Called but untested, the most called first. */
  untested: UntestedPath[];
  /** Tested but taken by no caller in the period. */
  uncalled: { nodes: number; exits: number };
  /** Called nodes and exits, and how many of them some test case takes. */
  called: { nodes: number; exits: number; tested: number };
  paint: UntestedPaint;
}

const exitKey = (node: string, exit: string) => `${node}/${exit}`;

/** A node of this flow (the heat map names a called flow's nodes `subflow/node`; they are not on this canvas). */
const ownNode = (node: string) => !node.includes("/");

/** The heat map's calls set against the coverage of the flow's tests. */
export function sideBySide(map: HeatMap, coverage: Coverage): SideBySide {
  const untested: UntestedPath[] = [];
  const called = { nodes: 0, exits: 0, tested: 0 };
  const calledNodes = new Set<string>();
  const calledExits = new Set<string>();
  for (const [node, counts] of Object.entries(map.nodes)) {
    if (!ownNode(node) || counts.calls <= 0) continue;
    calledNodes.add(node);
    called.nodes++;
    if ((coverage.nodes[node] ?? 0) > 0) called.tested++;
    else untested.push({ node, exit: null, calls: counts.calls });
  }
  for (const { node, exit, taken } of map.exits) {
    if (!ownNode(node) || taken <= 0) continue;
    calledExits.add(exitKey(node, exit));
    called.exits++;
    if ((coverage.exits[exitKey(node, exit)] ?? 0) > 0) called.tested++;
    else untested.push({ node, exit, calls: taken });
  }
  untested.sort(
    (a, b) => b.calls - a.calls || a.node.localeCompare(b.node) || (a.exit === null ? -1 : b.exit === null ? 1 : a.exit.localeCompare(b.exit)),
  );
  const uncalled = {
    nodes: Object.entries(coverage.nodes).filter(([node, cases]) => cases > 0 && !calledNodes.has(node)).length,
    exits: Object.entries(coverage.exits).filter(([key, cases]) => cases > 0 && !calledExits.has(key)).length,
  };
  const paint: UntestedPaint = {
    nodes: new Set(untested.filter((u) => u.exit === null).map((u) => u.node)),
    exits: new Set(untested.filter((u) => u.exit !== null).map((u) => exitKey(u.node, u.exit!))),
  };
  return { untested, uncalled, called, paint };
}
