// Sticky notes and labelled groups on the canvas (model/annotations.ts keeps them in the flow's layout and
// comments). Double-click a note or a group's label to edit it; a group drawn around its nodes moves them along.
import type { Node, NodeProps } from "@xyflow/react";
import { memo, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { setGroupLabel, setNoteText } from "../store/annotationEdits";

export interface NoteData extends Record<string, unknown> {
  noteId: string;
  text: string;
  readOnly: boolean;
}

export interface GroupData extends Record<string, unknown> {
  groupId: string;
  label: string;
  width: number;
  height: number;
  readOnly: boolean;
}

export type NoteView = Node<NoteData, "note">;
export type GroupView = Node<GroupData, "group">;

export const NOTE_WIDTH = 220;

function Editable({
  value,
  multiline,
  readOnly,
  onCommit,
  label,
  testId,
}: {
  value: string;
  multiline: boolean;
  readOnly: boolean;
  onCommit: (text: string) => void;
  label: string;
  testId: string;
}) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  if (!editing || readOnly) {
    return (
      <div className="annotation-text" data-testid={testId} onDoubleClick={() => !readOnly && setEditing(true)}>
        {value || <span className="muted">{label}</span>}
      </div>
    );
  }
  const commit = () => {
    setEditing(false);
    if (text !== value) onCommit(text);
  };
  const props = {
    className: "nodrag nowheel",
    autoFocus: true,
    value: text,
    "aria-label": label,
    "data-testid": `${testId}-input`,
    onBlur: commit,
    onKeyDown: (e: React.KeyboardEvent) => {
      if (e.key === "Escape") {
        setText(value);
        setEditing(false);
      } else if (e.key === "Enter" && (!multiline || e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        commit();
      }
    },
  };
  return multiline ? (
    <textarea {...props} rows={4} onChange={(e) => setText(e.target.value)} />
  ) : (
    <input {...props} onChange={(e) => setText(e.target.value)} />
  );
}

function NoteComponent({ data, selected }: NodeProps<NoteView>) {
  const { t } = useTranslation();
  return (
    <div className={`note ${selected ? "selected" : ""}`} style={{ width: NOTE_WIDTH }} data-testid={`note-${data.noteId}`}>
      <Editable
        value={data.text}
        multiline
        readOnly={data.readOnly}
        onCommit={(text) => setNoteText(data.noteId, text)}
        label={t("annotations.noteText")}
        testId={`note-text-${data.noteId}`}
      />
    </div>
  );
}

function GroupComponent({ data, selected }: NodeProps<GroupView>) {
  const { t } = useTranslation();
  return (
    <div className={`group-box ${selected ? "selected" : ""}`} style={{ width: data.width, height: data.height }} data-testid={`group-${data.groupId}`}>
      <div className="group-label">
        <Editable
          value={data.label}
          multiline={false}
          readOnly={data.readOnly}
          onCommit={(label) => setGroupLabel(data.groupId, label)}
          label={t("annotations.groupLabel")}
          testId={`group-label-${data.groupId}`}
        />
      </div>
    </div>
  );
}

export const NoteNode = memo(NoteComponent);
export const GroupNode = memo(GroupComponent);
