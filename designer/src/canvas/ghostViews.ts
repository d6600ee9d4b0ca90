// A diff's removed nodes as canvas nodes, drawn from the older version where it placed them.
import { exitsOf, handlesOf, nodeWidth, NODE_HEIGHT, outgoingByNode } from "../model/exits";
import type { NodeTypeInfo } from "../model/types";
import type { DiffPaint } from "../panels/diffPaint";
import type { GhostNodeView } from "./GhostNode";
import { summaryOf } from "./nodeData";

export function ghostViews(diff: DiffPaint, types: Record<string, NodeTypeInfo>, uiLanguage: string): GhostNodeView[] {
  const outgoing = outgoingByNode(diff.old.edges);
  return diff.ghosts.map(({ node, position }): GhostNodeView => {
    const info = types[node.type];
    const exits = exitsOf(info, outgoing.get(node.id) ?? []).map((e) => e.name);
    const width = nodeWidth(exits.length);
    return {
      id: node.id,
      type: "ghost",
      position,
      data: {
        nodeId: node.id,
        type: node.type,
        typeLabel: info?.label ?? node.type,
        summary: summaryOf(diff.old, info, node.params ?? {}, uiLanguage),
        exits,
        width,
      },
      width,
      height: NODE_HEIGHT,
      handles: handlesOf(exits, width),
      draggable: false,
      selectable: false,
      deletable: false,
      connectable: false,
    };
  });
}
