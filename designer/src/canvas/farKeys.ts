// The far view's keyboard: what React Flow's own keys do up close, for the boxes drawn on the far view's canvas
// (they are not React Flow nodes there, so its Delete and selection keys cannot reach them).
//   Delete / Backspace  remove the selected nodes (one undo step, as up close)
//   Enter               go up close to the selected node (centred, as the search does)
//   Escape              clear the selection
import { useEffect } from "react";
import { removeNodes } from "../store/editor";
import { useOverlay } from "../store/overlay";
import { useSelection } from "../store/selection";

/** Keys typed into a field, or with a modifier held, are not the canvas's (as React Flow's own keys); nor is Enter
 * on a button or a link, which it presses. */
function forTheCanvas(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return false;
  const target = event.target as HTMLElement | null;
  if (!target) return true;
  if (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || target.closest(".cm-editor")) return false;
  return !(event.key === "Enter" && ["BUTTON", "A"].includes(target.tagName));
}

/** While the far view is on: its keys, on the document as React Flow listens for its own. `flowNodes`: the ids of
 * the flow's nodes (a selected note or group is React Flow's, drawn as DOM in the far view too). */
export function useFarKeys(far: boolean, readOnly: boolean, flowNodes: ReadonlySet<string>) {
  useEffect(() => {
    if (!far) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!forTheCanvas(event)) return;
      const chosen = [...useSelection.getState().selected].filter((id) => flowNodes.has(id));
      if (!chosen.length) return;
      if ((event.key === "Delete" || event.key === "Backspace") && !readOnly) {
        event.preventDefault();
        removeNodes(chosen);
        useSelection.getState().select([]);
      } else if (event.key === "Enter") {
        event.preventDefault();
        useOverlay.getState().focusNode(chosen[0]);
      } else if (event.key === "Escape") {
        useSelection.getState().select([]);
      }
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [far, readOnly, flowNodes]);
}
