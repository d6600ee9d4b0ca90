// The selected note's text or group's label in the side panel (the keyboard way to edit them), and delete.
import { useTranslation } from "react-i18next";
import { annotationsOf, NOTE_PREFIX } from "../model/annotations";
import { setGroupLabel, setNoteText } from "../store/annotationEdits";
import { removeNodes, useEditor } from "../store/editor";

export function AnnotationInspector({ id, readOnly }: { id: string; readOnly: boolean }) {
  const { t } = useTranslation();
  const flow = useEditor((s) => s.flow);
  if (!flow) return null;
  const { notes, groups } = annotationsOf(flow);
  const note = id.startsWith(NOTE_PREFIX) ? notes.find((n) => n.id === id) : undefined;
  const group = groups.find((g) => g.id === id);
  if (!note && !group) return <p className="muted">{t("inspector.none")}</p>;
  return (
    <div className="inspector" data-testid="annotation-inspector" data-annotation={id}>
      {note ? (
        <label>
          {t("annotations.noteText")}
          <textarea value={note.text} rows={6} readOnly={readOnly} onChange={(e) => setNoteText(id, e.target.value)} data-testid="note-text" />
        </label>
      ) : group ? (
        <>
          <label>
            {t("annotations.groupLabel")}
            <input value={group.label} readOnly={readOnly} onChange={(e) => setGroupLabel(id, e.target.value)} data-testid="group-label" />
          </label>
          <p className="muted small">
            {t("annotations.members", { count: group.members.length })}: <span className="mono">{group.members.join(", ")}</span>
          </p>
        </>
      ) : null}
      {!readOnly && (
        <button type="button" className="danger ghost" onClick={() => removeNodes([id])} data-testid="delete-annotation">
          {note ? t("annotations.deleteNote") : t("annotations.ungroup")}
        </button>
      )}
    </div>
  );
}
