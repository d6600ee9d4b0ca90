// The same draft as DSL text in CodeMirror 6, with the check's diagnostics underlined at their line and column
// (the tooltip shows the message and the service's note).
// Edits are saved as text (the service parses them; a syntax error comes back as a diagnostic); the canvas then
// shows the flow as the service read it, layout and comments kept.
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { linter, lintGutter, type Diagnostic as LintDiagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers } from "@codemirror/view";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import type { Diagnostic } from "../model/types";
import { flush } from "../store/autosave";
import { useEditor } from "../store/editor";

/** The tooltip's text: the code and message, and the service's note (its hint or fix) on a line of its own. */
function lintMessage(d: Diagnostic, noteLabel: string): Pick<LintDiagnostic, "message" | "renderMessage"> {
  const message = `${d.code}: ${d.message}`;
  if (!d.note) return { message };
  const note = d.note;
  return {
    message: `${message}\n${noteLabel} ${note}`,
    renderMessage: () => {
      const box = document.createElement("div");
      box.append(message);
      const line = document.createElement("div");
      line.className = "cm-diagnostic-note";
      line.append(`${noteLabel} ${note}`);
      box.append(line);
      return box;
    },
  };
}

function toLint(view: EditorView, diagnostics: Diagnostic[], noteLabel: string): LintDiagnostic[] {
  const doc = view.state.doc;
  return diagnostics
    .filter((d) => d.line && d.line <= doc.lines)
    .map((d) => {
      const line = doc.line(d.line!);
      const from = Math.min(line.from + Math.max((d.column ?? 1) - 1, 0), line.to);
      const wordEnd = /^[\w.-]+/.exec(doc.sliceString(from, line.to))?.[0].length ?? 0;
      return {
        from,
        to: Math.max(from + wordEnd, Math.min(from + 1, line.to)),
        severity: d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "info",
        ...lintMessage(d, noteLabel),
      };
    });
}

export function TextView({ name, readOnly }: { name: string; readOnly: boolean }) {
  const { t } = useTranslation();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const diagnosticsRef = useRef<Diagnostic[]>([]);
  // Bumped when the check's diagnostics change: the linter runs again then (and on edits), not on every update of
  // the editor. Each run replaces the diagnostics, which closes an open lint tooltip, and a tooltip's own opening is
  // an update: re-linting on every update closed each tooltip a tenth of a second after it opened.
  const diagnosticsSeen = useRef({ changed: 0, linted: -1 });
  const [status, setStatus] = useState("");
  const diagnostics = useEditor((s) => s.diagnostics);

  useEffect(() => {
    diagnosticsRef.current = diagnostics;
    diagnosticsSeen.current.changed++;
    if (view.current) view.current.dispatch({});
  }, [diagnostics]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let cancelled = false;
    const save = async (text: string) => {
      setStatus(t("save.saving"));
      try {
        const saved = await api.saveFlowText(name, useEditor.getState().revision, text);
        useEditor.getState().setRevision(saved.revision);
        useEditor.getState().setDiagnostics(saved.diagnostics ?? []);
        const { graph } = await api.flow(name);
        useEditor.setState((s) => ({ flow: { ...graph, layout: { ...(s.flow?.layout ?? {}), ...(graph.layout ?? {}) } } }));
        setStatus(t("save.saved"));
      } catch (e) {
        if (e instanceof ApiError && e.status === 422) {
          useEditor.getState().setDiagnostics((e.body.diagnostics as unknown as Diagnostic[]) ?? []);
          setStatus(t("text.notSaved"));
        } else setStatus(e instanceof Error ? e.message : String(e));
      }
    };
    (async () => {
      await flush();
      const { text, revision } = await api.flowText(name);
      if (cancelled || !host.current) return;
      useEditor.getState().setRevision(revision);
      view.current = new EditorView({
        parent: host.current,
        state: EditorState.create({
          doc: text,
          extensions: [
            lineNumbers(),
            history(),
            keymap.of([...defaultKeymap, ...historyKeymap]),
            EditorState.readOnly.of(readOnly),
            lintGutter(),
            linter(
              (v) => {
                diagnosticsSeen.current.linted = diagnosticsSeen.current.changed;
                return toLint(v, diagnosticsRef.current, t("checks.note"));
              },
              { delay: 100, needsRefresh: () => diagnosticsSeen.current.linted !== diagnosticsSeen.current.changed },
            ),
            EditorView.updateListener.of((update) => {
              if (!update.docChanged || readOnly) return;
              if (timer) clearTimeout(timer);
              const doc = update.state.doc.toString();
              timer = setTimeout(() => void save(doc), 600);
            }),
            EditorView.theme({ "&": { height: "100%" }, ".cm-scroller": { fontFamily: "var(--mono)" } }),
          ],
        }),
      });
    })();
    return () => {
      cancelled = true;
      if (timer && view.current) {
        clearTimeout(timer);
        void save(view.current.state.doc.toString());
      }
      view.current?.destroy();
      view.current = null;
    };
  }, [name, readOnly, t]);

  return (
    <div className="text-view" data-testid="text-view">
      <div className="text-host" ref={host} />
      <div className="text-status muted small">{status}</div>
    </div>
  );
}
