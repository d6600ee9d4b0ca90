// The flow on the canvas: nodes and edges from the draft, painted with diagnostics, a call's path, coverage or a
// diff; drag to move, connect exits by dragging, drop node types from the palette, delete with the keyboard.
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeChange,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Position } from "../model/types";
import { addNode, connect, edgeId, moveNodes, removeNodes, useEditor } from "../store/editor";
import { useOverlay } from "../store/overlay";
import { useSelection } from "../store/selection";
import { ElkEdge, type ElkEdgeView } from "./ElkEdge";
import { FlowNode } from "./FlowNode";
import { buildNodes, type FlowNodeView } from "./nodeData";

const nodeTypes = { flow: FlowNode };
const edgeTypes = { elk: ElkEdge };
const marker = { type: MarkerType.ArrowClosed, width: 16, height: 16 };
export const PALETTE_MIME = "application/x-callflow-node-type";

export function Canvas({ readOnly }: { readOnly: boolean }) {
  const { i18n, t } = useTranslation();
  const flow = useEditor((s) => s.flow);
  const types = useEditor((s) => s.nodeTypes);
  const routes = useEditor((s) => s.routes);
  const diagnostics = useEditor((s) => s.diagnostics);
  const path = useOverlay((s) => s.path);
  const step = useOverlay((s) => s.step);
  const coverage = useOverlay((s) => s.coverage);
  const diff = useOverlay((s) => s.diff);
  const focus = useOverlay((s) => s.focus);
  const selected = useSelection((s) => s.selected);
  const select = useSelection((s) => s.select);
  const [dragging, setDragging] = useState<Record<string, Position>>({});
  const previous = useRef(new Map<string, FlowNodeView>());
  const reactFlow = useReactFlow();

  const shownPath = useMemo(() => (step === null ? path : path.slice(0, step + 1)), [path, step]);
  const nodes = useMemo(() => {
    if (!flow) return [];
    const positions = { ...(flow.layout ?? {}), ...dragging };
    const paint = {
      diagnostics,
      path: new Set(shownPath),
      current: shownPath.length ? shownPath[shownPath.length - 1] : null,
      coverage,
      diff: diff?.nodes ?? null,
    };
    const built = buildNodes(flow, types, positions, paint, i18n.language, previous.current, selected);
    previous.current = new Map(built.map((n) => [n.id, n]));
    return built;
  }, [flow, types, dragging, diagnostics, shownPath, coverage, diff, i18n.language, selected]);

  const edges = useMemo<ElkEdgeView[]>(() => {
    if (!flow) return [];
    const litPairs = new Set<string>();
    for (let i = 1; i < shownPath.length; i++) litPairs.add(`${shownPath[i - 1]}\u0000${shownPath[i]}`);
    const layout = flow.layout ?? {};
    const ids = new Set(flow.nodes.map((n) => n.id));
    return flow.edges
      .filter((e) => ids.has(e.from) && ids.has(e.to))
      .map((edge) => {
        const id = edgeId(edge);
        const moving = edge.from in dragging || edge.to in dragging;
        const lit = litPairs.has(`${edge.from}\u0000${edge.to}`);
        const fromY = layout[edge.from]?.y ?? 0;
        const toY = layout[edge.to]?.y ?? 0;
        return {
          id,
          type: "elk" as const,
          source: edge.from,
          sourceHandle: edge.exit,
          target: edge.to,
          targetHandle: "in",
          markerEnd: marker,
          zIndex: lit ? 2 : 0,
          data: {
            points: moving ? null : (routes[id] ?? null),
            lit,
            back: toY <= fromY,
            covered: coverage ? (coverage.exits[`${edge.from}/${edge.exit}`] ?? 0) : null,
            exit: edge.exit,
          },
        };
      });
  }, [flow, routes, dragging, shownPath, coverage]);

  useEffect(() => {
    if (!focus || !flow) return;
    const at = flow.layout?.[focus.node];
    const node = nodes.find((n) => n.id === focus.node);
    if (at && node) {
      void reactFlow.setCenter(at.x + (node.data.width as number) / 2, at.y + 40, { zoom: Math.max(reactFlow.getZoom(), 0.9), duration: 300 });
      select([focus.node]);
    }
    // Centre once per request, not whenever the nodes change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus]);

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNodeView>[]) => {
      const moved: Record<string, Position> = {};
      let finished = false;
      let picked: Set<string> | null = null;
      for (const change of changes) {
        if (change.type === "select") {
          picked ??= new Set(useSelection.getState().selected);
          if (change.selected) picked.add(change.id);
          else picked.delete(change.id);
        }
        if (change.type === "position" && change.position) {
          moved[change.id] = change.position;
          if (change.dragging === false) finished = true;
        } else if (change.type === "position" && change.dragging === false) {
          finished = true;
        }
      }
      if (picked) select(picked);
      if (Object.keys(moved).length) setDragging((d) => ({ ...d, ...moved }));
      if (finished) {
        setDragging((d) => {
          if (Object.keys(d).length) moveNodes(d);
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
    if (gone.length) removeNodes(gone.map((n) => n.id));
    const remaining = cut.filter((e) => !gone.some((n) => n.id === e.source || n.id === e.target));
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

  return (
    <div className="canvas" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<FlowNodeView, ElkEdgeView>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onConnect={onConnect}
        onDelete={onDelete}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={readOnly ? null : ["Delete", "Backspace"]}
        multiSelectionKeyCode={["Shift", "Meta", "Control"]}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
        minZoom={0.05}
        maxZoom={2}
        onlyRenderVisibleElements={false}
        ariaLabelConfig={ariaLabelConfig}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={24} size={1} />
        <MiniMap pannable zoomable nodeStrokeWidth={3} nodeClassName={(n) => (n.data as { lit?: boolean }).lit ? "mm-lit" : "mm"} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
