// What a node on the canvas shows, computed from the draft and the overlays; kept equal between renders when
// nothing about that node changed, so memoised nodes skip re-rendering on a 1,000-node flow.
import type { Node } from "@xyflow/react";
import { exitsOf, handlesOf, NODE_HEIGHT, nodeWidth, outgoingByNode } from "../model/exits";
import type { NodeDiffStatus, TextChange } from "../model/diff";
import type { Diagnostic, FlowGraph, NodeTypeInfo, Position } from "../model/types";
import type { Coverage } from "../model/types";
import { heatOf, type TrafficPaint } from "../capacity/traffic";
import type { UntestedPaint } from "../model/untested";

export interface ExitView {
  name: string;
  wired: boolean;
  required: boolean;
  /** Test cases through this exit, when coverage is shown. */
  covered: number | null;
  /** Calls of a capacity run that took this exit, when its traffic is painted. */
  taken: number | null;
  /** With the heat map beside coverage: callers take this exit and no test case does. */
  untested: boolean;
}

export interface FlowNodeData extends Record<string, unknown> {
  nodeId: string;
  type: string;
  typeLabel: string;
  icon: string;
  category: string;
  summary: string;
  exits: ExitView[];
  width: number;
  errors: number;
  warnings: number;
  unwired: number;
  lit: boolean;
  current: boolean;
  covered: number | null;
  /** Calls of a capacity run that entered this node, and its heat (0 to 5, against the busiest node). */
  visits: number | null;
  heat: number | null;
  /** From the records' heat map: callers who hung up at this node, and the errors there. */
  drops: number | null;
  callErrors: number | null;
  /** With the heat map beside coverage: callers enter this node and no test case does. */
  untested: boolean;
  diff: NodeDiffStatus | null;
  /** A prompt text it plays that the diff shows changed, in the interface's language when it changed in it. */
  textChange: TextChange | null;
  terminal: boolean;
}

export type FlowNodeView = Node<FlowNodeData, "flow">;

export interface Paint {
  diagnostics: Diagnostic[];
  path: Set<string>;
  current: string | null;
  coverage: Coverage | null;
  traffic: TrafficPaint | null;
  untested?: UntestedPaint | null;
  diff: Record<string, NodeDiffStatus> | null;
  texts: Record<string, { prompt: string; change: TextChange }[]> | null;
}

function textChangeFor(changes: { change: TextChange }[] | undefined, uiLanguage: string): TextChange | null {
  if (!changes?.length) return null;
  const base = uiLanguage.split("-")[0];
  return (changes.find((c) => c.change.language === uiLanguage) ?? changes.find((c) => c.change.language.split("-")[0] === base) ?? changes[0]).change;
}

/** The text a node shows under its id: its key parameter, a prompt shown as its text in the UI language. */
export function summaryOf(flow: FlowGraph, info: NodeTypeInfo | undefined, params: Record<string, unknown>, uiLanguage: string) {
  const key = info?.key_param ?? Object.keys(params)[0];
  if (!key) return "";
  const value = params[key];
  if (typeof value !== "string") return value === undefined ? "" : JSON.stringify(value);
  const properties = (info?.params_schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const hinted = Object.values(properties).some((p) => "x-callflow-ref" in p);
  // A service that names what each parameter refers to says which are prompts; an older one does not.
  if (hinted && properties[key]?.["x-callflow-ref"] !== "prompt") return value;
  const prompt = flow.prompts?.find((p) => p.id === value);
  if (prompt?.text) {
    const texts = prompt.text;
    return texts[uiLanguage] ?? texts[uiLanguage.split("-")[0]] ?? texts[flow.languages?.[0] ?? ""] ?? Object.values(texts)[0] ?? value;
  }
  return value;
}

function sameExits(a: ExitView[], b: ExitView[]) {
  return (
    a.length === b.length &&
    a.every((x, i) => x.name === b[i].name && x.wired === b[i].wired && x.covered === b[i].covered && x.taken === b[i].taken && x.untested === b[i].untested && x.required === b[i].required)
  );
}

function sameData(a: FlowNodeData, b: FlowNodeData) {
  for (const key of Object.keys(a) as (keyof FlowNodeData)[]) {
    if (key === "exits" || key === "textChange") continue;
    if (a[key] !== b[key]) return false;
  }
  return sameExits(a.exits, b.exits) && a.textChange?.old === b.textChange?.old && a.textChange?.new === b.textChange?.new;
}

/** Builds the canvas nodes, reusing the previous object of every node whose look did not change. */
export function buildNodes(
  flow: FlowGraph,
  types: Record<string, NodeTypeInfo>,
  positions: Record<string, Position>,
  paint: Paint,
  uiLanguage: string,
  previous: Map<string, FlowNodeView>,
  selected: Set<string>,
): FlowNodeView[] {
  const outgoing = outgoingByNode(flow.edges);
  const counts = new Map<string, { errors: number; warnings: number }>();
  for (const d of paint.diagnostics) {
    if (!d.node) continue;
    const c = counts.get(d.node) ?? { errors: 0, warnings: 0 };
    if (d.severity === "error") c.errors++;
    else if (d.severity === "warning") c.warnings++;
    counts.set(d.node, c);
  }
  return flow.nodes.map((node) => {
    const info = types[node.type];
    const exits = exitsOf(info, outgoing.get(node.id) ?? []);
    const width = nodeWidth(exits.length);
    const c = counts.get(node.id);
    const data: FlowNodeData = {
      nodeId: node.id,
      type: node.type,
      typeLabel: info?.label ?? node.type,
      icon: info?.icon ?? "",
      category: info?.category ?? "other",
      summary: summaryOf(flow, info, node.params ?? {}, uiLanguage),
      exits: exits.map((exit) => ({
        name: exit.name,
        wired: exit.wired,
        required: exit.required,
        covered: paint.coverage ? (paint.coverage.exits[`${node.id}/${exit.name}`] ?? 0) : null,
        taken: paint.traffic ? (paint.traffic.nodes[node.id]?.exits[exit.name] ?? 0) : null,
        untested: paint.untested?.exits.has(`${node.id}/${exit.name}`) ?? false,
      })),
      width,
      errors: c?.errors ?? 0,
      warnings: c?.warnings ?? 0,
      unwired: exits.filter((e) => e.required && !e.wired).length,
      lit: paint.path.has(node.id),
      current: paint.current === node.id,
      covered: paint.coverage ? (paint.coverage.nodes[node.id] ?? 0) : null,
      visits: paint.traffic ? (paint.traffic.nodes[node.id]?.visits ?? 0) : null,
      heat: paint.traffic ? heatOf(paint.traffic.nodes[node.id]?.visits ?? 0, paint.traffic.max) : null,
      drops: paint.traffic?.nodes[node.id]?.drops ?? null,
      callErrors: paint.traffic?.nodes[node.id]?.errors ?? null,
      untested: paint.untested?.nodes.has(node.id) ?? false,
      diff: paint.diff?.[node.id] ?? null,
      textChange: textChangeFor(paint.texts?.[node.id], uiLanguage),
      terminal: info?.terminal ?? false,
    };
    const position = positions[node.id] ?? { x: 0, y: 0 };
    const isSelected = selected.has(node.id);
    const before = previous.get(node.id);
    if (
      before &&
      before.position.x === position.x &&
      before.position.y === position.y &&
      (before.selected ?? false) === isSelected &&
      sameData(before.data, data)
    ) {
      return before;
    }
    return {
      id: node.id,
      type: "flow",
      position,
      data,
      selected: isSelected,
      width,
      height: NODE_HEIGHT,
      initialWidth: width,
      initialHeight: NODE_HEIGHT,
      handles: handlesOf(
        data.exits.map((e) => e.name),
        width,
      ),
    } satisfies FlowNodeView;
  });
}
