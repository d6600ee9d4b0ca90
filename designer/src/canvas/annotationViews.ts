// Notes and groups as canvas nodes: a group is drawn around its nodes wherever they are (so it follows them through
// "tidy up"), behind them; dragging the group drags its nodes.
import type { MutableRefObject } from "react";
import { annotationsOf, groupBox } from "../model/annotations";
import { NODE_HEIGHT } from "../model/exits";
import type { FlowGraph, Position } from "../model/types";
import { NOTE_WIDTH, type GroupView, type NoteView } from "./AnnotationNodes";
import type { FlowNodeView } from "./nodeData";

export type AnnotationView = NoteView | GroupView;

const EMPTY_GROUP = { width: 260, height: 120 };

export function annotationViews(
  flow: FlowGraph,
  positions: Record<string, Position>,
  flowNodes: FlowNodeView[],
  selected: Set<string>,
  readOnly: boolean,
): AnnotationView[] {
  const { notes, groups } = annotationsOf(flow);
  if (!notes.length && !groups.length) return [];
  const widths = new Map(flowNodes.map((n) => [n.id, n.width ?? 220]));
  const size = (id: string) => ({ width: widths.get(id) ?? 220, height: NODE_HEIGHT });
  const views: AnnotationView[] = [];
  for (const group of groups) {
    const box = groupBox(group.members, positions, size);
    const at = box ? { x: box.x, y: box.y } : (positions[group.id] ?? group.position);
    const width = box?.width ?? EMPTY_GROUP.width;
    const height = box?.height ?? EMPTY_GROUP.height;
    views.push({
      id: group.id,
      type: "group",
      position: at,
      data: { groupId: group.id, label: group.label, width, height, readOnly },
      width,
      height,
      zIndex: -1,
      handles: [],
      selected: selected.has(group.id),
      connectable: false,
    });
  }
  for (const note of notes) {
    views.push({
      id: note.id,
      type: "note",
      position: positions[note.id] ?? note.position,
      data: { noteId: note.id, text: note.text, readOnly },
      width: NOTE_WIDTH,
      zIndex: 1,
      handles: [],
      selected: selected.has(note.id),
      connectable: false,
    });
  }
  return views;
}

/** While a group is dragged, its nodes move with it by the same amount; other moves pass through unchanged. */
export function groupDragMoves(
  flow: FlowGraph,
  moved: Record<string, Position>,
  drag: MutableRefObject<{ id: string; start: Position; members: Record<string, Position> } | null>,
  layout: Record<string, Position>,
  nodes: Map<string, FlowNodeView>,
): Record<string, Position> {
  const groups = annotationsOf(flow).groups.filter((g) => g.id in moved);
  if (!groups.length) return moved;
  const result = { ...moved };
  for (const group of groups) {
    if (drag.current?.id !== group.id) {
      const size = (id: string) => ({ width: nodes.get(id)?.width ?? 220, height: NODE_HEIGHT });
      const box = groupBox(group.members, layout, size);
      drag.current = {
        id: group.id,
        start: box ? { x: box.x, y: box.y } : (layout[group.id] ?? group.position),
        members: Object.fromEntries(group.members.filter((m) => layout[m]).map((m) => [m, layout[m]])),
      };
    }
    const { start, members } = drag.current;
    const dx = moved[group.id].x - start.x;
    const dy = moved[group.id].y - start.y;
    for (const [member, at] of Object.entries(members)) result[member] = { x: at.x + dx, y: at.y + dy };
  }
  return result;
}
