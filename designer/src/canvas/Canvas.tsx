// The flow on the canvas: nodes and edges from the draft (or from the version a diff shows), painted with
// diagnostics, a call's path, coverage or a diff, with notes and groups; drag to move, connect exits by dragging,
// drop node types from the palette, delete with the keyboard.
import {
  Background,
  ControlButton,
  Controls,
  getViewportForBounds,
  ReactFlow,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type Node,
  type NodeChange,
  type Viewport,
} from "@xyflow/react";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { HEAT_COLOURS } from "../capacity/traffic";
import { LARGE_FLOW_NODES } from "../layout/protocol";
import { useTranslation } from "react-i18next";
import type { Position } from "../model/types";
import { addNode, connect, edgeId, moveNodes, removeNodes, useEditor } from "../store/editor";
import { useOverlay } from "../store/overlay";
import { useSelection } from "../store/selection";
import { GroupNode, NoteNode } from "./AnnotationNodes";
import { annotationViews, groupDragMoves, type AnnotationView } from "./annotationViews";
import { buildEdges, ghostEdgeViews } from "./edgeViews";
import { ElkEdge, type ElkEdgeView } from "./ElkEdge";
import { FAR_ZOOM } from "./farScene";
import { useFarKeys } from "./farKeys";
import { FarView, useFarView } from "./FarView";
import { FlowNode, SimpleView } from "./FlowNode";
import { GhostNode, type GhostNodeView } from "./GhostNode";
import { ghostViews } from "./ghostViews";
import { MiniMap, type MiniBox } from "./MiniMap";
import { buildNodes, type FlowNodeView } from "./nodeData";

const nodeTypes = { flow: FlowNode, ghost: GhostNode, note: NoteNode, group: GroupNode };
const edgeTypes = { elk: ElkEdge };
export const PALETTE_MIME = "application/x-callflow-node-type";

type AnyNode = FlowNodeView | GhostNodeView | AnnotationView;

/** Fit every node, drawn or not: React Flow fits only nodes it has measured unless told to use their given sizes,
 * and a big flow draws only the nodes in view. */
const FIT_VIEW = { padding: 0.15, maxZoom: 1, includeHiddenNodes: true };
const MIN_ZOOM = 0.005;

/** The zoom a big flow opens at: its start and what follows, readable. */
const OPENING_ZOOM = 0.8;

const zoomedOut = (s: { transform: [number, number, number] }) => s.transform[2] < 0.5;

const MINIMAP_COLOURS: Record<string, string> = {
  lit: "#f2a900",
  added: "#1f9d55",
  changed: "#2f6fec",
  rewired: "#8a4bd6",
  renamed: "#0f8c8c",
  moved: "#0f8c8c",
  removed: "#e9a3a3",
};

export function Canvas({ readOnly: editorReadOnly }: { readOnly: boolean }) {
  const { i18n, t } = useTranslation();
  const draft = useEditor((s) => s.flow);
  const types = useEditor((s) => s.nodeTypes);
  const routes = useEditor((s) => s.routes);
  const diagnostics = useEditor((s) => s.diagnostics);
  const path = useOverlay((s) => s.path);
  const step = useOverlay((s) => s.step);
  const coverage = useOverlay((s) => s.coverage);
  const traffic = useOverlay((s) => s.traffic);
  const diff = useOverlay((s) => s.diff);
  const untested = useOverlay((s) => s.untested);
  const focus = useOverlay((s) => s.focus);
  const selected = useSelection((s) => s.selected);
  const select = useSelection((s) => s.select);
  const simple = useStore(zoomedOut);
  const [dragging, setDragging] = useState<Record<string, Position>>({});
  const [moving, setMoving] = useState(false);
  const previous = useRef(new Map<string, FlowNodeView>());
  const groupDrag = useRef<{ id: string; start: Position; members: Record<string, Position> } | null>(null);
  const reactFlow = useReactFlow();
  const host = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState(false);
  // Drawn: the viewport is set and every node in view is on the canvas, measured and shown (React Flow hides a
  // node until it is measured). The mark and attribute are what bench/designer_speed.py reads.
  const onInit = useCallback(() => {
    const check = () => {
      const shown = host.current?.querySelectorAll<HTMLElement>(".react-flow__node") ?? [];
      const expected = useEditor.getState().flow?.nodes.length ?? 0;
      const farDrawn = !!host.current?.querySelector("[data-drawn-boxes]");
      if (farDrawn || ((expected === 0 || shown.length > 0) && [...shown].every((n) => n.style.visibility !== "hidden"))) {
        performance.mark("callflow:drawn");
        setDrawn(true);
      } else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }, []);
  const [opening, setOpening] = useState<{ x: number; y: number; zoom: number } | null>(null);

  // A diff whose newer side is a version shows that version, read-only; otherwise the draft.
  const flow = diff?.version ?? draft;
  const readOnly = editorReadOnly || !!diff?.version;

  // A big flow opens on its start at a readable zoom, drawing only what is in view (a whole 1,000-node flow at
  // once is neither readable nor quick to draw; "fit view" still shows all of it). Small flows open fitted.
  const large = (flow?.nodes.length ?? 0) > LARGE_FLOW_NODES;
  useLayoutEffect(() => {
    if (!large || opening || !flow || !host.current) return;
    const start = flow.layout?.[flow.nodes[0]?.id] ?? { x: 0, y: 0 };
    const width = host.current.clientWidth || 1000;
    setOpening({ x: width / 2 - (start.x + 110) * OPENING_ZOOM, y: 40 - start.y * OPENING_ZOOM, zoom: OPENING_ZOOM });
  }, [large, opening, flow]);

  const shownPath = useMemo(() => (step === null ? path : path.slice(0, step + 1)), [path, step]);
  const positions = useMemo(() => {
    const base = flow?.layout ?? {};
    return Object.keys(dragging).length ? { ...base, ...dragging } : base;
  }, [flow, draft, diff, dragging]);

  const flowNodes = useMemo(() => {
    if (!flow) return [];
    const paint = {
      diagnostics: diff?.version ? [] : diagnostics,
      path: new Set(shownPath),
      current: shownPath.length ? shownPath[shownPath.length - 1] : null,
      coverage,
      traffic: diff?.version ? null : traffic,
      untested: diff?.version ? null : untested,
      diff: diff?.nodes ?? null,
      texts: diff?.texts ?? null,
    };
    const built = buildNodes(flow, types, positions, paint, i18n.language, previous.current, selected);
    previous.current = new Map(built.map((n) => [n.id, n]));
    return built;
  }, [flow, types, positions, diagnostics, shownPath, coverage, traffic, untested, diff, i18n.language, selected]);

  const ghosts = useMemo(() => (diff ? ghostViews(diff, types, i18n.language) : []), [diff, types, i18n.language]);
  const annotations = useMemo(
    () => (flow ? annotationViews(flow, positions, flowNodes, selected, readOnly) : []),
    [flow, positions, flowNodes, selected, readOnly],
  );
  const nodes = useMemo<AnyNode[]>(() => [...annotations, ...flowNodes, ...ghosts], [annotations, flowNodes, ghosts]);

  const edges = useMemo<ElkEdgeView[]>(() => {
    if (!flow) return [];
    const built = buildEdges(flow, positions, routes, dragging, shownPath, coverage, diff?.version ? null : diff, diff?.version ? null : traffic, diff?.version ? null : untested);
    return diff ? [...built, ...ghostEdgeViews(diff, flow, positions)] : built;
  }, [flow, positions, routes, dragging, shownPath, coverage, diff, traffic, untested]);

  const { far, goFar, shownNodes, shownEdges, scene, label: farLabel, onPaneClick } = useFarView(nodes, edges, flowNodes, selected);
  const flowNodeIds = useMemo(() => new Set(flowNodes.map((n) => n.id)), [flowNodes]);
  useFarKeys(far, readOnly, flowNodeIds);
  const [farViewport, setFarViewport] = useState<Viewport | null>(null);
  useEffect(() => {
    if (far && farViewport) {
      void reactFlow.setViewport(farViewport);
      setFarViewport(null);
    }
  }, [far, farViewport, reactFlow]);

  const miniBoxes = useMemo<MiniBox[]>(
    () =>
      nodes
        .filter((n) => n.type !== "group")
        .map((n) => {
          const data = n.data as { lit?: boolean; diff?: string | null; heat?: number | null };
          const colour =
            n.type === "ghost"
              ? MINIMAP_COLOURS.removed
              : n.type === "note"
                ? "#f5d76e"
                : data.lit
                  ? MINIMAP_COLOURS.lit
                  : (MINIMAP_COLOURS[data.diff ?? ""] ?? (typeof data.heat === "number" ? HEAT_COLOURS[data.heat] : "#b9c0cc"));
          return { x: n.position.x, y: n.position.y, width: n.width ?? 220, height: n.height ?? 84, colour };
        }),
    [nodes],
  );

  useEffect(() => {
    if (!focus || !flow) return;
    const at = positions[focus.node];
    const node = nodes.find((n) => n.id === focus.node);
    if (at && node) {
      void reactFlow.setCenter(at.x + (node.width ?? 220) / 2, at.y + 40, { zoom: Math.max(reactFlow.getZoom(), 0.9), duration: 300 });
      if (node.type === "flow") select([focus.node]);
    }
    // Centre once per request, not whenever the nodes change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus]);

  const onNodesChange = useCallback(
    (changes: NodeChange<AnyNode>[]) => {
      let moved: Record<string, Position> = {};
      let finished = false;
      let picked: Set<string> | null = null;
      for (const change of changes) {
        if (change.type === "select") {
          picked ??= new Set(useSelection.getState().selected);
          if (change.selected) picked.add(change.id);
          else picked.delete(change.id);
        }
        if (change.type === "position") {
          if (change.position) moved[change.id] = change.position;
          if (change.dragging === false) finished = true;
        }
      }
      if (picked) select(picked);
      const current = useEditor.getState().flow;
      if (current) moved = groupDragMoves(current, moved, groupDrag, useEditor.getState().flow?.layout ?? {}, previous.current);
      if (Object.keys(moved).length) setDragging((d) => ({ ...d, ...moved }));
      if (finished) {
        groupDrag.current = null;
        setDragging((d) => {
          if (Object.keys(d).length) queueMicrotask(() => moveNodes(d));
          return {};
        });
      }
    },
    [select],
  );

  const onConnect = useCallback((connection: Connection) => {
    if (connection.sourceHandle && connection.target !== connection.source) {
      connect(connection.source, connection.sourceHandle, connection.target);
    }
  }, []);

  const onDelete = useCallback(({ nodes: gone, edges: cut }: { nodes: Node[]; edges: Edge[] }) => {
    const removable = gone.filter((n) => n.type !== "ghost");
    if (removable.length) removeNodes(removable.map((n) => n.id));
    const remaining = cut.filter((e) => !e.id.startsWith("ghost") && !gone.some((n) => n.id === e.source || n.id === e.target));
    if (remaining.length) {
      const ids = new Set(remaining.map((e) => e.id));
      useEditor.getState().update((f) => ({ ...f, edges: f.edges.filter((e) => !ids.has(edgeId(e))) }));
    }
  }, []);

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(PALETTE_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    }
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_MIME);
      if (!type || readOnly) return;
      event.preventDefault();
      const at = reactFlow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const id = addNode(type, { x: Math.round(at.x - 110), y: Math.round(at.y - 40) });
      select([id]);
    },
    [reactFlow, readOnly, select],
  );

  const ariaLabelConfig = useMemo(
    () => ({
      "node.a11yDescription.default": t("aria.node"),
      "node.a11yDescription.keyboardDisabled": t("aria.nodeKeyboardDisabled"),
      "edge.a11yDescription.default": t("aria.edge"),
      "controls.zoomIn.ariaLabel": t("aria.zoomIn"),
      "controls.zoomOut.ariaLabel": t("aria.zoomOut"),
      "controls.fitView.ariaLabel": t("aria.fitView"),
      "controls.interactive.ariaLabel": t("aria.interactive"),
      "minimap.ariaLabel": t("aria.minimap"),
    }),
    [t],
  );
  // "Fit view" computed from every node's given position and size (React Flow's own waits for a change of nodes
  // that a controlled canvas with nothing new to draw never makes, and fits only the nodes it has measured).
  const fitAll = useCallback(() => {
    const rect = host.current?.getBoundingClientRect();
    if (!rect || nodes.length === 0) return;
    let left = Infinity;
    let top = Infinity;
    let right = -Infinity;
    let bottom = -Infinity;
    for (const n of nodes) {
      left = Math.min(left, n.position.x);
      top = Math.min(top, n.position.y);
      right = Math.max(right, n.position.x + (n.width ?? 220));
      bottom = Math.max(bottom, n.position.y + (n.height ?? 84));
    }
    const bounds = { x: left, y: top, width: right - left, height: bottom - top };
    const viewport = getViewportForBounds(bounds, rect.width, rect.height, MIN_ZOOM, FIT_VIEW.maxZoom, FIT_VIEW.padding);
    if (viewport.zoom < FAR_ZOOM && !far) {
      goFar();
      setFarViewport(viewport);
    } else void reactFlow.setViewport(viewport);
  }, [nodes, reactFlow, far, goFar]);
  const onMoveStart = useCallback(() => setMoving(true), []);
  const onMoveEnd = useCallback(() => setMoving(false), []);

  return (
    <div
      ref={host}
      className={`canvas ${simple ? "zoomed-out" : ""} ${far ? "far" : ""} ${moving ? "moving" : ""} ${diff?.version ? "showing-version" : ""}`}
      data-testid="canvas"
      data-drawn={drawn ? "yes" : "no"}
      data-showing={diff?.version ? `v${diff.to}` : "draft"}
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      <SimpleView.Provider value={simple}>
        {(!large || opening) && (
        <ReactFlow<AnyNode, ElkEdgeView>
          nodes={shownNodes}
          edges={shownEdges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onConnect={onConnect}
          onDelete={onDelete}
          onPaneClick={onPaneClick}
          onInit={onInit}
          onMoveStart={onMoveStart}
          onMoveEnd={onMoveEnd}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          deleteKeyCode={readOnly ? null : ["Delete", "Backspace"]}
          multiSelectionKeyCode={["Shift", "Meta", "Control"]}
          fitView={!large}
          defaultViewport={opening ?? undefined}
          fitViewOptions={FIT_VIEW}
          minZoom={MIN_ZOOM}
          maxZoom={2}
          onlyRenderVisibleElements={large}
          ariaLabelConfig={ariaLabelConfig}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={24} size={1} />
          {scene && <FarView scene={scene} label={farLabel} />}
          <Controls showInteractive={false} showFitView={false}>
            <ControlButton className="react-flow__controls-fitview" onClick={fitAll} title={t("aria.fitView")} aria-label={t("aria.fitView")}>
              ⤢
            </ControlButton>
          </Controls>
        </ReactFlow>
        )}
        <MiniMap boxes={miniBoxes} />
        {diff?.version && (
          <div className="version-banner" data-testid="version-banner">
            {t("diffView.showing", { version: diff.to })}
          </div>
        )}
      </SimpleView.Provider>
    </div>
  );
}
