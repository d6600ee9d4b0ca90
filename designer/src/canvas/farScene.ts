// What the far view draws: each node as a box coloured by its type or by what is painted on the canvas (a call's
// path, a diff, a capacity run's or the records' heat, coverage), its badges as dots, each edge as its routed
// polyline. Computed when the nodes or edges change, never while the view pans or zooms.
import { HEAT_COLOURS } from "../capacity/traffic";
import { NODE_HEIGHT, portX } from "../model/exits";
import type { Position } from "../model/types";
import type { ElkEdgeView } from "./ElkEdge";
import type { GhostNodeView } from "./GhostNode";
import type { FlowNodeView } from "./nodeData";

/** Below this zoom a node's text cannot be read: the flow is drawn on one <canvas> instead of as DOM and SVG. */
export const FAR_ZOOM = 0.3;

/** heat.css's mark of a node or exit callers take and no test does (the heat map beside the tests). */
const UNTESTED = "#6a1b9a";

/** Colours of styles.css (node categories, paints and badges), for drawing on a canvas. */
const CATEGORY: Record<string, string> = {
  input: "#2f6fec",
  logic: "#8a4bd6",
  prompts: "#13a3a3",
  messages: "#c2569b",
  agents: "#e07b00",
  data: "#5a7a1f",
  flows: "#4a5a78",
  endings: "#6b7383",
};
const DIFF: Record<string, string> = {
  added: "#1f9d55",
  changed: "#2f6fec",
  rewired: "#8a4bd6",
  renamed: "#0f8c8c",
  moved: "#0f8c8c",
  removed: "#d93f3f",
};
const LIT = "#f2a900";
const ACCENT = "#2f6fec";
export const BADGE = { error: "#d93f3f", warning: "#d68a00", unwired: "#f79009" } as const;

export interface FarBox {
  id: string;
  /** The node's id, written in the box when the view is near enough for it to be read. */
  label: string;
  /** A colour the label reads in on the box's fill. */
  ink: string;
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
  /** An outline drawn the same width on screen at any zoom: selection, the current step of a call, a problem. */
  ring: { colour: string; width: number; dashed: boolean } | null;
  /** Badge dots at the top right corner, in this order: errors, warnings, unwired required exits. */
  badges: string[];
  /** Whether clicking it selects a node (a removed node a diff shows cannot be selected). */
  selectable: boolean;
}

export interface FarStroke {
  colour: string;
  /** Width on screen, in pixels. */
  width: number;
  dash: number[];
  /** Each line as x0, y0, x1, y1, ... in flow coordinates. */
  lines: number[][];
}

export interface FarScene {
  boxes: FarBox[];
  strokes: FarStroke[];
}

/** Dark ink on a light fill, white on a dark one. */
function inkOn(fill: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(fill.slice(i, i + 2), 16));
  return 0.299 * r + 0.587 * g + 0.114 * b > 160 ? "#1d2330" : "#ffffff";
}

function boxOfNode(node: FlowNodeView, selected: boolean): FarBox {
  const d = node.data;
  const fill =
    (d.diff && DIFF[d.diff]) ||
    (d.lit ? LIT : null) ||
    (d.heat !== null ? HEAT_COLOURS[d.heat] : null) ||
    (d.covered === 0 ? "#f0a8a8" : d.covered !== null ? "#8fd1a8" : null) ||
    CATEGORY[d.category.toLowerCase()] ||
    "#9aa3b2";
  const ring = selected
    ? { colour: ACCENT, width: 3, dashed: false }
    : d.current
      ? { colour: LIT, width: 4, dashed: false }
      : d.untested
        ? { colour: UNTESTED, width: 3, dashed: true }
        : d.errors
        ? { colour: BADGE.error, width: 2, dashed: false }
        : d.warnings
          ? { colour: BADGE.warning, width: 2, dashed: false }
          : null;
  const badges = [d.errors ? BADGE.error : "", d.warnings ? BADGE.warning : "", d.unwired ? BADGE.unwired : ""].filter(Boolean);
  const [x, y] = [node.position.x, node.position.y];
  return { id: node.id, label: d.nodeId, ink: inkOn(fill), x, y, width: d.width, height: NODE_HEIGHT, fill, ring, badges, selectable: true };
}

function boxOfGhost(node: GhostNodeView): FarBox {
  const ring = { colour: DIFF.removed, width: 2, dashed: true };
  const [x, y] = [node.position.x, node.position.y];
  return { id: node.id, label: node.data.nodeId, ink: "#8a1f1f", x, y, width: node.data.width, height: NODE_HEIGHT, fill: "#f6d3d3", ring, badges: [], selectable: false };
}

interface Style {
  colour: string;
  width: number;
  dash: number[];
}

/** An edge's look, as styles.css and heat.css draw it (the strongest paint wins). */
function styleOf(edge: ElkEdgeView): Style {
  const d = edge.data;
  if (d?.lit) return { colour: LIT, width: 3, dash: [] };
  if (d?.diff === "removed") return { colour: DIFF.removed, width: 2, dash: [5, 4] };
  if (d?.diff) return { colour: DIFF[d.diff], width: 3, dash: [] };
  if (typeof d?.heat === "number")
    return d.heat === 0 ? { colour: "#d0d5dd", width: 1, dash: [3, 4] } : { colour: HEAT_COLOURS[d.heat], width: 1 + d.heat, dash: d.untested ? [9, 5] : [] };
  if (d?.covered === 0) return { colour: BADGE.error, width: 1.5, dash: [4, 3] };
  if (d?.covered) return { colour: "#1f9d55", width: 2, dash: [] };
  if (d?.back) return { colour: "#7d8bb0", width: 1, dash: [6, 4] };
  return { colour: "#9aa3b2", width: 1, dash: [] };
}

/** The edge's polyline: ELK's route when it has one, else down from the exit, across, and down into the target. */
function lineOf(edge: ElkEdgeView, from: FarBox, exits: string[], to: FarBox): number[] {
  const points = edge.data?.points;
  if (points && points.length >= 2) return points.flatMap((p: Position) => [p.x, p.y]);
  const index = Math.max(0, exits.indexOf(edge.sourceHandle ?? ""));
  const sx = from.x + portX(index, exits.length, from.width);
  const sy = from.y + from.height;
  const tx = to.x + to.width / 2;
  const ty = to.y;
  if (ty > sy) {
    const middle = (sy + ty) / 2;
    return [sx, sy, sx, middle, tx, middle, tx, ty];
  }
  return [sx, sy, sx, sy + 20, tx, ty - 20, tx, ty];
}

/** The far view's boxes and strokes for the canvas's nodes (flow nodes and a diff's removed ones) and edges. */
export function farScene(nodes: (FlowNodeView | GhostNodeView)[], edges: ElkEdgeView[], selected: Set<string>): FarScene {
  const boxes: FarBox[] = [];
  const byId = new Map<string, { box: FarBox; exits: string[] }>();
  for (const node of nodes) {
    const box = node.type === "flow" ? boxOfNode(node, selected.has(node.id)) : boxOfGhost(node);
    const exits = node.type === "flow" ? node.data.exits.map((e) => e.name) : node.data.exits;
    boxes.push(box);
    byId.set(node.id, { box, exits });
  }
  const strokes = new Map<string, FarStroke>();
  for (const edge of edges) {
    const from = byId.get(edge.source);
    const to = byId.get(edge.target);
    if (!from || !to) continue;
    const style = styleOf(edge);
    const key = `${style.colour} ${style.width} ${style.dash.join(",")}`;
    let stroke = strokes.get(key);
    if (!stroke) strokes.set(key, (stroke = { ...style, lines: [] }));
    stroke.lines.push(lineOf(edge, from.box, from.exits, to.box));
  }
  // Painted edges over plain ones; selected and problem boxes over the others.
  const order = (s: FarStroke) => (s.colour === "#9aa3b2" || s.colour === "#7d8bb0" ? 0 : 1);
  const ordered = [...strokes.values()].sort((a, b) => order(a) - order(b));
  boxes.sort((a, b) => (a.ring ? 1 : 0) - (b.ring ? 1 : 0));
  return { boxes, strokes: ordered };
}

/** The selectable box under a point of the flow (the topmost), with some slack around boxes drawn very small. */
export function boxAt(scene: FarScene, point: Position, slack: number): FarBox | null {
  for (let i = scene.boxes.length - 1; i >= 0; i--) {
    const b = scene.boxes[i];
    if (!b.selectable) continue;
    if (point.x >= b.x - slack && point.x <= b.x + b.width + slack && point.y >= b.y - slack && point.y <= b.y + b.height + slack) return b;
  }
  return null;
}
