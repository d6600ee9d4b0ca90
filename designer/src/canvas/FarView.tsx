// The far view: when the canvas is zoomed out so far that no text can be read, the flow is drawn on one <canvas>
// (boxes coloured by type or paint, badges as dots, edges as their routed polylines) that follows React Flow's
// viewport, instead of a thousand DOM nodes and their SVG edges, whose paint, raster and hit testing made panning
// a whole 1,000-node flow run at 10 frames a second (bench/designer_speed.py, docs/performance.md).
import { useReactFlow, useStore, useStoreApi } from "@xyflow/react";
import { memo, useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from "react";
import { useTranslation } from "react-i18next";
import { useSelection } from "../store/selection";
import type { AnnotationView } from "./annotationViews";
import type { ElkEdgeView } from "./ElkEdge";
import { boxAt, FAR_ZOOM, farScene, type FarScene } from "./farScene";
import type { GhostNodeView } from "./GhostNode";
import type { FlowNodeView } from "./nodeData";

type Transform = [number, number, number];

/** Node ids are written in the boxes from this zoom on (a 10-pixel label in a box at least 26 pixels wide). */
const LABEL_ZOOM = 0.12;

function draw(canvas: HTMLCanvasElement, scene: FarScene, [tx, ty, zoom]: Transform, width: number, height: number) {
  const ratio = window.devicePixelRatio || 1;
  const [w, h] = [Math.round(width * ratio), Math.round(height * ratio)];
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const context = canvas.getContext("2d");
  if (!context) return;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, w, h);
  const [left, top, right, bottom] = [-tx / zoom, -ty / zoom, (width - tx) / zoom, (height - ty) / zoom];
  const inView = (x: number, y: number, bw: number, bh: number) => x <= right && x + bw >= left && y <= bottom && y + bh >= top;

  context.setTransform(ratio * zoom, 0, 0, ratio * zoom, ratio * tx, ratio * ty);
  context.lineJoin = "round";
  for (const stroke of scene.strokes) {
    context.beginPath();
    for (const line of stroke.lines) {
      context.moveTo(line[0], line[1]);
      for (let i = 2; i < line.length; i += 2) context.lineTo(line[i], line[i + 1]);
    }
    context.strokeStyle = stroke.colour;
    context.lineWidth = stroke.width / zoom;
    context.setLineDash(stroke.dash.map((d) => d / zoom));
    context.stroke();
  }
  context.setLineDash([]);
  const shown = scene.boxes.filter((b) => inView(b.x, b.y, b.width, b.height));
  for (const b of shown) {
    context.fillStyle = b.fill;
    context.fillRect(b.x, b.y, b.width, b.height);
  }
  for (const b of shown) {
    if (!b.ring) continue;
    context.strokeStyle = b.ring.colour;
    context.lineWidth = b.ring.width / zoom;
    context.setLineDash(b.ring.dashed ? [4 / zoom, 3 / zoom] : []);
    context.strokeRect(b.x, b.y, b.width, b.height);
  }
  context.setLineDash([]);

  // Labels and badges in screen pixels, the same size at any zoom.
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  if (zoom >= LABEL_ZOOM) {
    context.font = "10px system-ui, sans-serif";
    context.textAlign = "center";
    context.textBaseline = "middle";
    for (const b of shown) {
      context.fillStyle = b.ink;
      context.fillText(b.label, (b.x + b.width / 2) * zoom + tx, (b.y + b.height / 2) * zoom + ty, b.width * zoom - 4);
    }
  }
  const radius = Math.max(4, Math.min(7, 20 * zoom));
  context.strokeStyle = "#ffffff";
  context.lineWidth = 1;
  for (const b of shown) {
    b.badges.forEach((colour, i) => {
      const x = (b.x + b.width) * zoom + tx - i * (2 * radius + 1);
      const y = b.y * zoom + ty;
      context.beginPath();
      context.arc(x, y, radius, 0, 2 * Math.PI);
      context.fillStyle = colour;
      context.fill();
      context.stroke();
    });
  }
}

function FarViewComponent({ scene, label }: { scene: FarScene; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const store = useStoreApi();
  useEffect(() => {
    let frame = 0;
    const paint = () => {
      frame = 0;
      const s = store.getState();
      if (canvas.current) draw(canvas.current, scene, s.transform, s.width, s.height);
      canvas.current?.setAttribute("data-drawn-boxes", String(scene.boxes.length));
    };
    paint();
    // Redrawn once per frame while the view moves, straight from React Flow's store (no React render).
    const unsubscribe = store.subscribe((s, before) => {
      if (s.transform === before.transform && s.width === before.width && s.height === before.height) return;
      if (!frame) frame = requestAnimationFrame(paint);
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
    };
  }, [scene, store]);
  return <canvas ref={canvas} className="far-view" data-testid="far-view" role="img" aria-label={label} />;
}

export const FarView = memo(FarViewComponent);

const farOut = (s: { transform: Transform }) => s.transform[2] < FAR_ZOOM;

/** The canvas's side of the far view: whether it is on; the nodes and edges to give React Flow (no flow nodes and
 * no edges while it is on); the scene; its description for screen
 * readers; goFar, to switch to it before a viewport change into it; and the pane's click, which selects the box under it (Shift, Ctrl or Cmd adds it). */
export function useFarView(
  nodes: (FlowNodeView | GhostNodeView | AnnotationView)[],
  edges: ElkEdgeView[],
  flowNodes: FlowNodeView[],
  selected: Set<string>,
) {
  const { t } = useTranslation();
  const reactFlow = useReactFlow();
  // "Fit view" into the far view switches to it a render ahead of the viewport (goFar): otherwise React Flow would
  // first draw the whole flow's DOM at the new zoom, only to drop it a render later.
  const zoomedFar = useStore(farOut);
  const [ahead, setAhead] = useState(false);
  useEffect(() => {
    if (zoomedFar) setAhead(false);
  }, [zoomedFar]);
  const far = zoomedFar || ahead;
  const goFar = useCallback(() => setAhead(true), []);
  // Flow nodes and edges leave React Flow altogether (handing it a thousand changed nodes cost more than drawing
  // them); notes and groups stay.
  const shownNodes = useMemo(() => (far ? nodes.filter((n) => n.type !== "flow" && n.type !== "ghost") : nodes), [far, nodes]);
  const shownEdges = useMemo(() => (far ? [] : edges), [far, edges]);
  const scene = useMemo(() => {
    if (!far) return null;
    return farScene(nodes.filter((n): n is FlowNodeView | GhostNodeView => n.type === "flow" || n.type === "ghost"), edges, selected);
  }, [far, nodes, edges, selected]);
  const label = useMemo(() => {
    const count = (has: (n: FlowNodeView) => boolean) => flowNodes.filter(has).length;
    return t("farView.label", {
      count: flowNodes.length,
      errors: count((n) => n.data.errors > 0),
      warnings: count((n) => n.data.warnings > 0),
      unwired: count((n) => n.data.unwired > 0),
    });
  }, [flowNodes, t]);
  const onPaneClick = useCallback(
    (event: MouseEvent) => {
      if (!scene) return;
      const hit = boxAt(scene, reactFlow.screenToFlowPosition({ x: event.clientX, y: event.clientY }), 3 / reactFlow.getZoom());
      if (!hit) return;
      const adding = event.shiftKey || event.ctrlKey || event.metaKey;
      useSelection.getState().select(adding ? [...useSelection.getState().selected, hit.id] : [hit.id]);
    },
    [scene, reactFlow],
  );
  return { far, goFar, shownNodes, shownEdges, scene, label, onPaneClick };
}
