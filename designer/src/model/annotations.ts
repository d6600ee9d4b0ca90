// Sticky notes and labelled groups on the canvas, kept in the flow itself so that the DSL round trip keeps them:
// each is a line of the flow's `layout` under an id no node has (`note.N`, `group.N`), and its words are that
// line's comments. A note's text is the comment above its line; a group's label is the comment above its line and
// its members the comment at the end of it. They never change a call (docs/designer.md):
//
//   layout
//     # Self-service
//     group.1 -24, -52  # self_service, case_lookup, policy_info
//     # Ask Li before changing the opening hours.
//     note.1 640, 0
import type { FlowGraph, Json, Position } from "./types";

export interface Note {
  id: string;
  position: Position;
  text: string;
}

export interface Group {
  id: string;
  position: Position;
  label: string;
  members: string[];
}

interface LineComment {
  above?: string[];
  end?: string;
}

export const NOTE_PREFIX = "note.";
export const GROUP_PREFIX = "group.";
export const GROUP_PADDING = 24;
export const GROUP_LABEL_HEIGHT = 28;

export const isAnnotationId = (id: string) => id.startsWith(NOTE_PREFIX) || id.startsWith(GROUP_PREFIX);

type Comments = Record<string, LineComment>;
const commentsOf = (flow: FlowGraph): Comments => (flow.comments ?? {}) as unknown as Comments;
const lineKey = (id: string) => `layout ${id}`;

/** The notes and groups of a flow: layout lines whose id is no node's. */
export function annotationsOf(flow: FlowGraph): { notes: Note[]; groups: Group[] } {
  const nodeIds = new Set(flow.nodes.map((n) => n.id));
  const comments = commentsOf(flow);
  const notes: Note[] = [];
  const groups: Group[] = [];
  for (const [id, position] of Object.entries(flow.layout ?? {})) {
    if (nodeIds.has(id)) continue;
    const comment = comments[lineKey(id)] ?? {};
    if (id.startsWith(NOTE_PREFIX)) notes.push({ id, position, text: (comment.above ?? []).join("\n") });
    else if (id.startsWith(GROUP_PREFIX)) {
      const members = (comment.end ?? "").split(",").map((m) => m.trim()).filter((m) => nodeIds.has(m));
      groups.push({ id, position, label: (comment.above ?? []).join(" "), members });
    }
  }
  return { notes, groups };
}

/** An id of the kind (`note.` or `group.`) that neither a node nor another annotation has. */
export function freshAnnotationId(flow: FlowGraph, prefix: string): string {
  const used = new Set([...flow.nodes.map((n) => n.id), ...Object.keys(flow.layout ?? {})]);
  for (let n = 1; ; n++) if (!used.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

/** The flow with a note's or group's comment set (text lines above, members at the end), or removed. */
export function withAnnotationComment(flow: FlowGraph, id: string, comment: LineComment | null): FlowGraph {
  const comments = { ...commentsOf(flow) };
  if (comment === null) delete comments[lineKey(id)];
  else {
    const line: LineComment = {};
    if (comment.above?.length) line.above = comment.above;
    if (comment.end) line.end = comment.end;
    comments[lineKey(id)] = line;
  }
  return { ...flow, comments: comments as unknown as Json };
}

/** A note's text as comment lines (a comment is one line; empty lines are kept as such). */
export const noteLines = (text: string) => text.replace(/\r/g, "").split("\n").map((line) => line.trimEnd());

/** A group's members as its layout line's end comment. */
export const memberList = (members: string[]) => members.join(", ");

/** The box around a group's members (top-left, width, height), given each node's position and size. */
export function groupBox(
  members: string[],
  positions: Record<string, Position>,
  size: (id: string) => { width: number; height: number },
): { x: number; y: number; width: number; height: number } | null {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const id of members) {
    const at = positions[id];
    if (!at) continue;
    const { width, height } = size(id);
    left = Math.min(left, at.x);
    top = Math.min(top, at.y);
    right = Math.max(right, at.x + width);
    bottom = Math.max(bottom, at.y + height);
  }
  if (left === Infinity) return null;
  return {
    x: left - GROUP_PADDING,
    y: top - GROUP_PADDING - GROUP_LABEL_HEIGHT,
    width: right - left + 2 * GROUP_PADDING,
    height: bottom - top + 2 * GROUP_PADDING + GROUP_LABEL_HEIGHT,
  };
}

/** Remove notes or groups (a group's nodes stay where they are). */
export function removeAnnotations(flow: FlowGraph, ids: Set<string>): FlowGraph {
  let next: FlowGraph = { ...flow, layout: { ...(flow.layout ?? {}) } };
  for (const id of ids) {
    delete next.layout![id];
    next = withAnnotationComment(next, id, null);
  }
  return next;
}

/** The flow with these nodes taken out of every group they are in. */
export function withoutMembers(flow: FlowGraph, gone: Set<string>): FlowGraph {
  let next = flow;
  for (const group of annotationsOf(flow).groups) {
    if (!group.members.some((m) => gone.has(m))) continue;
    const members = group.members.filter((m) => !gone.has(m));
    next = withAnnotationComment(next, group.id, { above: [group.label], end: memberList(members) });
  }
  return next;
}

/** The flow with a node renamed in every group that holds it. */
export function withMemberRenamed(flow: FlowGraph, from: string, to: string): FlowGraph {
  let next = flow;
  for (const group of annotationsOf(flow).groups) {
    if (!group.members.includes(from)) continue;
    const members = group.members.map((m) => (m === from ? to : m));
    next = withAnnotationComment(next, group.id, { above: [group.label], end: memberList(members) });
  }
  return next;
}
