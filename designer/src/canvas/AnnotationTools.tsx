// Toolbar buttons for the canvas's notes and groups: a note in the middle of the view; the selected nodes grouped
// under a label (Ctrl+G).
import { useReactFlow } from "@xyflow/react";
import { useCallback, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { tinykeys } from "tinykeys";
import { isAnnotationId } from "../model/annotations";
import { addNote, groupNodes } from "../store/annotationEdits";
import { useEditor } from "../store/editor";
import { useSelection } from "../store/selection";

export function AnnotationTools() {
  const { t } = useTranslation();
  const reactFlow = useReactFlow();
  const selected = useSelection((s) => s.selected);
  const nodeIds = useEditor((s) => s.flow?.nodes);
  const members = [...selected].filter((id) => !isAnnotationId(id) && nodeIds?.some((n) => n.id === id));

  const note = () => {
    const canvas = document.querySelector(".canvas")?.getBoundingClientRect();
    const at = canvas
      ? reactFlow.screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 })
      : { x: 0, y: 0 };
    const id = addNote({ x: Math.round(at.x - 110), y: Math.round(at.y - 30) }, t("annotations.newNote"));
    useSelection.getState().select([id]);
  };

  const group = useCallback(() => {
    const chosen = [...useSelection.getState().selected].filter((id) => !isAnnotationId(id));
    if (!chosen.length) return;
    const label = window.prompt(t("annotations.groupPrompt"), t("annotations.defaultGroup"));
    if (label === null) return;
    const layout = useEditor.getState().flow?.layout ?? {};
    const left = Math.min(...chosen.map((id) => layout[id]?.x ?? 0));
    const top = Math.min(...chosen.map((id) => layout[id]?.y ?? 0));
    const id = groupNodes(chosen, label.trim() || t("annotations.defaultGroup"), { x: left - 24, y: top - 52 });
    useSelection.getState().select([id]);
  }, [t]);

  useEffect(
    () =>
      tinykeys(window, {
        "$mod+KeyG": (e) => {
          const target = e.target as HTMLElement | null;
          if (target && (["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || target.isContentEditable)) return;
          e.preventDefault();
          group();
        },
      }),
    [group],
  );

  return (
    <>
      <button type="button" className="ghost" onClick={note} data-testid="add-note">
        ✎ {t("annotations.addNote")}
      </button>
      <button type="button" className="ghost" onClick={group} disabled={members.length === 0} title="Ctrl+G" data-testid="group-nodes">
        ▭ {t("annotations.group")}
      </button>
    </>
  );
}
