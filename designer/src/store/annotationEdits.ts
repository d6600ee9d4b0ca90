// Edits of sticky notes and groups: each one undoable step of the draft, like every other edit.
import {
  annotationsOf,
  freshAnnotationId,
  GROUP_PREFIX,
  memberList,
  NOTE_PREFIX,
  noteLines,
  withAnnotationComment,
  withoutMembers,
} from "../model/annotations";
import type { Position } from "../model/types";
import { useEditor } from "./editor";

export function addNote(position: Position, text: string): string {
  let id = "";
  useEditor.getState().update((flow) => {
    id = freshAnnotationId(flow, NOTE_PREFIX);
    const placed = { ...flow, layout: { ...(flow.layout ?? {}), [id]: position } };
    return withAnnotationComment(placed, id, { above: noteLines(text) });
  });
  return id;
}

export function setNoteText(id: string, text: string) {
  useEditor.getState().update((flow) => withAnnotationComment(flow, id, { above: noteLines(text) }), undefined, `note:${id}`);
}

/** Put nodes into a new group with a label; a node leaves any group it was in. */
export function groupNodes(members: string[], label: string, position: Position): string {
  let id = "";
  useEditor.getState().update((flow) => {
    id = freshAnnotationId(flow, GROUP_PREFIX);
    let next = withoutMembers(flow, new Set(members));
    next = { ...next, layout: { ...(next.layout ?? {}), [id]: position } };
    return withAnnotationComment(next, id, { above: [label], end: memberList(members) });
  });
  return id;
}

export function setGroupLabel(id: string, label: string) {
  useEditor.getState().update(
    (flow) => {
      const group = annotationsOf(flow).groups.find((g) => g.id === id);
      return group ? withAnnotationComment(flow, id, { above: [label], end: memberList(group.members) }) : flow;
    },
    undefined,
    `group:${id}`,
  );
}
