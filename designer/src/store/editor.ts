// The open flow: the draft being edited (with undo/redo over every change, layout included), its revision on the
// service and what is painted over it (diagnostics, a simulated call's path, coverage, a diff).
import { temporal } from "zundo";
import { create } from "zustand";
import { isAnnotationId, removeAnnotations, withMemberRenamed, withoutMembers } from "../model/annotations";
import type { Diagnostic, FlowEdge, FlowGraph, FlowNode, Json, NodeTypeInfo, Position, Prompt } from "../model/types";

export type Routes = Record<string, Position[]>;

interface Doc {
  flow: FlowGraph | null;
  routes: Routes;
}

export interface EditorState extends Doc {
  name: string | null;
  revision: string;
  nodeTypes: Record<string, NodeTypeInfo>;
  diagnostics: Diagnostic[];
  /** Bumped on every change a user makes (autosave watches it); not bumped by loading. */
  changeCount: number;
  load(name: string, flow: FlowGraph, revision: string): void;
  setNodeTypes(types: NodeTypeInfo[]): void;
  setRevision(revision: string): void;
  setDiagnostics(diagnostics: Diagnostic[]): void;
  /** Apply a change to the draft. Changes with the same `coalesce` key in quick succession (typing in a form)
   * make one undo step. */
  update(change: (flow: FlowGraph) => FlowGraph, routes?: (routes: Routes) => Routes, coalesce?: string): void;
}

const COALESCE_MS = 1500;
let lastCoalesce: { key: string | null; at: number } = { key: null, at: 0 };

export const edgeId = (edge: FlowEdge) => `${edge.from}\u0000${edge.exit}`;

export const useEditor = create<EditorState>()(
  temporal(
    (set) => ({
      flow: null,
      routes: {},
      name: null,
      revision: "",
      nodeTypes: {},
      diagnostics: [],
      changeCount: 0,
      load: (name, flow, revision) => set({ name, flow, revision, routes: {}, diagnostics: [], changeCount: 0 }),
      setNodeTypes: (types) => set({ nodeTypes: Object.fromEntries(types.map((t) => [t.type, t])) }),
      setRevision: (revision) => set({ revision }),
      setDiagnostics: (diagnostics) => set({ diagnostics }),
      update: (change, routes, coalesce) => {
        const now = Date.now();
        const merge = !!coalesce && coalesce === lastCoalesce.key && now - lastCoalesce.at < COALESCE_MS;
        lastCoalesce = { key: coalesce ?? null, at: now };
        if (merge) useEditor.temporal.getState().pause();
        set((state) => {
          if (!state.flow) return {};
          const flow = change(state.flow);
          if (flow === state.flow) return {};
          return {
            flow,
            routes: routes ? routes(state.routes) : state.routes,
            changeCount: state.changeCount + 1,
          };
        });
        if (merge) useEditor.temporal.getState().resume();
      },
    }),
    {
      partialize: (state): Doc => ({ flow: state.flow, routes: state.routes }),
      equality: (a, b) => a.flow === b.flow && a.routes === b.routes,
      limit: 200,
    },
  ),
);

/** Undo and redo also count as changes for autosave. */
export function undo() {
  useEditor.temporal.getState().undo();
  useEditor.setState((s) => ({ changeCount: s.changeCount + 1 }));
}

export function redo() {
  useEditor.temporal.getState().redo();
  useEditor.setState((s) => ({ changeCount: s.changeCount + 1 }));
}

export function clearHistory() {
  useEditor.temporal.getState().clear();
}

// ---- edits -------------------------------------------------------------------------------------------------

const withoutRoutesOf = (ids: Set<string>) => (routes: Routes) => {
  const kept: Routes = {};
  for (const [id, points] of Object.entries(routes)) {
    const [from] = id.split("\u0000");
    if (!ids.has(from)) kept[id] = points;
  }
  return kept;
};

/** A node id not yet used in the flow, from the node type's name. */
export function freshNodeId(flow: FlowGraph, type: string): string {
  const used = new Set([...flow.nodes.map((n) => n.id), ...Object.keys(flow.layout ?? {})]);
  for (let n = 1; ; n++) {
    const id = `${type}_${n}`;
    if (!used.has(id)) return id;
  }
}

export function addNode(type: string, position: Position, params: Record<string, Json> = {}): string {
  let id = "";
  useEditor.getState().update((flow) => {
    id = freshNodeId(flow, type);
    return {
      ...flow,
      nodes: [...flow.nodes, { id, type, params }],
      layout: { ...(flow.layout ?? {}), [id]: position },
    };
  });
  return id;
}

export function setParams(nodeId: string, params: Record<string, Json>) {
  useEditor.getState().update(
    (flow) => ({
      ...flow,
      nodes: flow.nodes.map((node) => (node.id === nodeId ? { ...node, params } : node)),
    }),
    undefined,
    `params:${nodeId}`,
  );
}

export function connect(from: string, exit: string, to: string) {
  useEditor.getState().update(
    (flow) => {
      const others = flow.edges.filter((e) => !(e.from === from && e.exit === exit));
      const index = flow.edges.findIndex((e) => e.from === from && e.exit === exit);
      const edge = { from, exit, to };
      const edges = index >= 0 ? flow.edges.map((e, i) => (i === index ? edge : e)) : [...others, edge];
      return { ...flow, edges };
    },
    (routes) => {
      const kept = { ...routes };
      delete kept[`${from}\u0000${exit}`];
      return kept;
    },
  );
}

export function disconnect(from: string, exit: string) {
  useEditor.getState().update((flow) => ({
    ...flow,
    edges: flow.edges.filter((e) => !(e.from === from && e.exit === exit)),
  }));
}

/** Delete nodes (and every edge to or from them), notes and groups; one undo step brings all of it back. */
export function removeNodes(ids: string[]) {
  const gone = new Set(ids);
  if (gone.size === 0) return;
  useEditor.getState().update((flow) => {
    const nodeIds = new Set(flow.nodes.map((n) => n.id));
    const annotations = new Set([...gone].filter((id) => !nodeIds.has(id) && isAnnotationId(id)));
    const kept = removeAnnotations(withoutMembers(flow, gone), annotations);
    const layout = { ...(kept.layout ?? {}) };
    for (const id of gone) delete layout[id];
    return {
      ...kept,
      nodes: flow.nodes.filter((n) => !gone.has(n.id)),
      edges: flow.edges.filter((e) => !gone.has(e.from) && !gone.has(e.to)),
      layout,
    };
  }, withoutRoutesOf(gone));
}

export function renameNode(from: string, to: string) {
  useEditor.getState().update((original) => {
    const flow = withMemberRenamed(original, from, to);
    const layout = { ...(flow.layout ?? {}) };
    if (layout[from]) {
      layout[to] = layout[from];
      delete layout[from];
    }
    return {
      ...flow,
      nodes: flow.nodes.map((n) => (n.id === from ? { ...n, id: to } : n)),
      edges: flow.edges.map((e) => ({ ...e, from: e.from === from ? to : e.from, to: e.to === from ? to : e.to })),
      layout,
    };
  }, withoutRoutesOf(new Set([from])));
}

/** Keep nodes where the user dropped them; ELK's routes of edges touching them no longer fit. */
export function moveNodes(positions: Record<string, Position>) {
  const moved = new Set(Object.keys(positions));
  if (moved.size === 0) return;
  useEditor.getState().update(
    (flow) => ({ ...flow, layout: { ...(flow.layout ?? {}), ...positions } }),
    (routes) => {
      const kept: Routes = {};
      for (const [id, points] of Object.entries(routes)) {
        const [from] = id.split("\u0000");
        const edge = useEditor.getState().flow?.edges.find((e) => edgeId(e) === id);
        if (!moved.has(from) && !(edge && moved.has(edge.to))) kept[id] = points;
      }
      return kept;
    },
  );
}

/** A new layout of every node; notes and groups keep their lines (groups follow their nodes when drawn). */
export function applyLayout(positions: Record<string, Position>, routes: Routes) {
  useEditor.getState().update(
    (flow) => {
      const annotations = Object.entries(flow.layout ?? {}).filter(([id]) => !positions[id] && isAnnotationId(id));
      return { ...flow, layout: { ...positions, ...Object.fromEntries(annotations) } };
    },
    () => routes,
  );
}

/** Paste nodes (with the edges among them) under fresh ids, offset from where they were copied. */
export function pasteNodes(
  nodes: FlowNode[],
  edges: FlowEdge[],
  layout: Record<string, Position>,
  offset: Position,
  prompts: Prompt[] = [],
) {
  const renamed = new Map<string, string>();
  let pasted: string[] = [];
  useEditor.getState().update((flow) => {
    const missing = prompts.filter((p) => !(flow.prompts ?? []).some((q) => q.id === p.id));
    const working: FlowGraph = { ...flow, nodes: [...flow.nodes], prompts: [...(flow.prompts ?? []), ...missing] };
    const newLayout = { ...(flow.layout ?? {}) };
    for (const node of nodes) {
      const id = working.nodes.some((n) => n.id === node.id) ? freshNodeId(working, node.id) : node.id;
      renamed.set(node.id, id);
      working.nodes.push({ ...node, id });
      const at = layout[node.id] ?? { x: 0, y: 0 };
      newLayout[id] = { x: at.x + offset.x, y: at.y + offset.y };
    }
    const newEdges = edges
      .filter((e) => renamed.has(e.from) && renamed.has(e.to))
      .map((e) => ({ from: renamed.get(e.from)!, exit: e.exit, to: renamed.get(e.to)! }));
    pasted = [...renamed.values()];
    return { ...working, edges: [...flow.edges, ...newEdges], layout: newLayout };
  });
  return pasted;
}
