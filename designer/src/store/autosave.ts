// Autosave of the draft with the service's revision: every change is saved shortly after it is made; a stale
// revision (someone else saved meanwhile) stops saving and opens the conflict dialog. Nothing is lost: the
// unsaved draft is kept in the browser until the service has it.
import { create } from "zustand";
import { api, ApiError } from "../api";
import type { Json } from "../model/types";
import { useEditor } from "./editor";

export type SaveStatus = "saved" | "pending" | "saving" | "error" | "conflict";

export interface Conflict {
  currentRevision: string;
  changedBy: string;
  changedAt: string;
}

interface AutosaveState {
  status: SaveStatus;
  error: string;
  conflict: Conflict | null;
  savedCount: number;
}

export const useAutosave = create<AutosaveState>()(() => ({ status: "saved", error: "", conflict: null, savedCount: 0 }));

const DELAY_MS = 500;
let timer: ReturnType<typeof setTimeout> | null = null;
let saving: Promise<void> | null = null;
let again = false;

export const backupKey = (name: string) => `callflow.unsaved.${name}`;

async function saveNow(): Promise<void> {
  const { flow, name, revision, changeCount } = useEditor.getState();
  if (!flow || !name || useAutosave.getState().conflict) return;
  useAutosave.setState({ status: "saving" });
  try {
    const saved = await api.saveFlow(name, revision, flow);
    useEditor.getState().setRevision(saved.revision);
    useEditor.getState().setDiagnostics(saved.diagnostics ?? []);
    const unchanged = useEditor.getState().changeCount === changeCount;
    if (unchanged) localStorage.removeItem(backupKey(name));
    useAutosave.setState((s) => ({ status: unchanged ? "saved" : "pending", error: "", savedCount: s.savedCount + 1 }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      const body = error.body as Record<string, Json>;
      useAutosave.setState({
        status: "conflict",
        conflict: {
          currentRevision: String(body.current_revision ?? ""),
          // The contract names them changed_by/changed_at; the service sends current_changed_by/_at.
          changedBy: String(body.changed_by ?? body.current_changed_by ?? ""),
          changedAt: String(body.changed_at ?? body.current_changed_at ?? ""),
        },
      });
    } else if (error instanceof ApiError && error.status === 422) {
      useEditor.getState().setDiagnostics((error.body.diagnostics as never) ?? []);
      useAutosave.setState({ status: "error", error: error.message });
    } else {
      useAutosave.setState({ status: "error", error: error instanceof Error ? error.message : String(error) });
    }
  }
}

function run() {
  timer = null;
  if (saving) {
    again = true;
    return;
  }
  saving = saveNow().finally(() => {
    saving = null;
    if (again) {
      again = false;
      run();
    }
  });
}

/** Saves pending changes at once (before switching to the text view, publishing or leaving). */
export async function flush(): Promise<void> {
  if (timer) {
    clearTimeout(timer);
    run();
  }
  while (saving) await saving;
}

let unsubscribe: (() => void) | null = null;

/** Starts watching the open flow's changes; returns the function that stops it. */
export function startAutosave(): () => void {
  unsubscribe?.();
  useAutosave.setState({ status: "saved", error: "", conflict: null });
  unsubscribe = useEditor.subscribe((state, previous) => {
    if (state.changeCount === previous.changeCount || state.changeCount === 0) return;
    if (state.name && state.flow) localStorage.setItem(backupKey(state.name), JSON.stringify(state.flow));
    if (useAutosave.getState().conflict) return;
    useAutosave.setState({ status: "pending" });
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, DELAY_MS);
  });
  const beforeUnload = (event: BeforeUnloadEvent) => {
    if (useAutosave.getState().status !== "saved") event.preventDefault();
  };
  window.addEventListener("beforeunload", beforeUnload);
  return () => {
    unsubscribe?.();
    unsubscribe = null;
    window.removeEventListener("beforeunload", beforeUnload);
    if (timer) clearTimeout(timer);
    timer = null;
  };
}

/** Resolve a conflict by saving this page's draft over the other change (theirs stays in the version history
 * only if published; the dialog says so). */
export async function keepMine() {
  const conflict = useAutosave.getState().conflict;
  if (!conflict) return;
  useEditor.getState().setRevision(conflict.currentRevision);
  useAutosave.setState({ conflict: null, status: "pending" });
  run();
  while (saving) await saving;
}

export function resolvedByReload() {
  useAutosave.setState({ conflict: null, status: "saved", error: "" });
}
