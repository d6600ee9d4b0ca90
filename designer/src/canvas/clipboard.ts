// Copy and paste of selected nodes (with the edges among them), within a flow and across flows and tabs.
import type { FlowEdge, FlowNode, Position, Prompt } from "../model/types";
import { pasteNodes, useEditor } from "../store/editor";
import { useSelection } from "../store/selection";

const KEY = "callflow.clipboard";

interface Clip {
  nodes: FlowNode[];
  edges: FlowEdge[];
  layout: Record<string, Position>;
  /** The prompts the nodes name, so they come along into another flow. */
  prompts?: Prompt[];
}

export function copySelection(): number {
  const flow = useEditor.getState().flow;
  const ids = useSelection.getState().selected;
  if (!flow || ids.size === 0) return 0;
  const clip: Clip = {
    nodes: flow.nodes.filter((n) => ids.has(n.id)),
    edges: flow.edges.filter((e) => ids.has(e.from) && ids.has(e.to)),
    layout: Object.fromEntries([...ids].map((id) => [id, flow.layout?.[id] ?? { x: 0, y: 0 }])),
  };
  const named = new Set(clip.nodes.flatMap((n) => Object.values(n.params ?? {}).filter((v) => typeof v === "string")));
  clip.prompts = (flow.prompts ?? []).filter((p) => named.has(p.id));
  localStorage.setItem(KEY, JSON.stringify(clip));
  return clip.nodes.length;
}

export function pasteClipboard(): string[] {
  const text = localStorage.getItem(KEY);
  if (!text) return [];
  const clip = JSON.parse(text) as Clip;
  const pasted = pasteNodes(clip.nodes, clip.edges, clip.layout, { x: 40, y: 40 }, clip.prompts ?? []);
  useSelection.getState().select(pasted);
  return pasted;
}
