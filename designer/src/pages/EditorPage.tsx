// One flow open in the designer: toolbar, palette, canvas (or text view) and the side panels.
import { ReactFlowProvider } from "@xyflow/react";
import { lazy, Suspense, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { tinykeys } from "tinykeys";
import { useStore } from "zustand";
import { api, ApiError } from "../api";
import { layoutOnOpen, tidyUp } from "../canvas/autoLayout";
import { warmUpLayout } from "../layout/layout";
import { AnnotationTools } from "../canvas/AnnotationTools";
import { Canvas } from "../canvas/Canvas";
import { copySelection, pasteClipboard } from "../canvas/clipboard";
import { SearchBox } from "../canvas/SearchBox";
import { HeatMapLegend } from "../capacity/HeatMapLegend";
import { TrafficLegend } from "../capacity/TrafficLegend";
import { CheckList } from "../panels/CheckList";
import { ConflictDialog } from "../panels/ConflictDialog";
import { Palette } from "../panels/Palette";
import { PhonePanel } from "../panels/PhonePanel";
import { PublishDialog } from "../panels/PublishDialog";
import { TestsPanel } from "../panels/TestsPanel";
import { VersionsPanel } from "../panels/VersionsPanel";
import { flush, startAutosave, useAutosave } from "../store/autosave";
import { clearHistory, redo, undo, useEditor } from "../store/editor";
import { useOverlay } from "../store/overlay";
import { useSelection } from "../store/selection";
import { canEdit, canPublish, useSession } from "../store/session";

// The form (rjsf and the precompiled validators) and the text view (CodeMirror) are most of the page's code: they
// load when first shown, so opening a flow draws the canvas sooner (bench/designer_speed.py).
const Inspector = lazy(() => import("../panels/Inspector").then((m) => ({ default: m.Inspector })));
const TextView = lazy(() => import("../panels/TextView").then((m) => ({ default: m.TextView })));

type Tab = "properties" | "checks" | "phone" | "tests" | "versions";

const isTyping = (event: KeyboardEvent) => {
  const target = event.target as HTMLElement | null;
  return !!target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || !!target.closest(".cm-editor"));
};

/** `traffic`: a capacity job whose traffic through the flow is painted on the canvas; `heatmap`: the call records'
 * heat map painted instead. */
export function EditorPage({ name, traffic, heatmap }: { name: string; traffic?: string; heatmap?: boolean }) {
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const flow = useEditor((s) => s.flow);
  const diagnostics = useEditor((s) => s.diagnostics);
  const status = useAutosave((s) => s.status);
  const saveError = useAutosave((s) => s.error);
  const canUndo = useStore(useEditor.temporal, (s) => s.pastStates.length > 0);
  const canRedo = useStore(useEditor.temporal, (s) => s.futureStates.length > 0);
  const [error, setError] = useState("");
  const [tab, setTab] = useState<Tab>("checks");
  const [view, setView] = useState<"canvas" | "text">("canvas");
  const [searching, setSearching] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [laidOut, setLaidOut] = useState(false);
  const [layoutMs, setLayoutMs] = useState<number | null>(null);
  const editable = canEdit(user);
  const selectedCount = useSelection((s) => s.selected.size);

  useEffect(() => {
    let cancelled = false;
    warmUpLayout();
    useOverlay.getState().clear();
    useSelection.getState().select([]);
    useEditor.setState({ flow: null, name: null });
    setLaidOut(false);
    (async () => {
      try {
        const [{ nodes }, loaded] = await Promise.all([api.nodes(), api.flow(name)]);
        if (cancelled) return;
        // Marks for bench/designer_speed.py: where the time to a drawn canvas goes.
        performance.mark("callflow:fetched");
        useEditor.getState().setNodeTypes(nodes);
        useEditor.getState().load(name, loaded.graph, loaded.revision);
        clearHistory();
        // The check comes when it comes (badges then appear); drawing waits for the layout only.
        void api.check(name).then(
          (checked) => !cancelled && useEditor.getState().setDiagnostics(checked.diagnostics),
          () => undefined,
        );
        const laid = await layoutOnOpen();
        if (cancelled) return;
        performance.mark("callflow:laid-out");
        setLayoutMs(laid ? laid.elapsedMs : null);
        setLaidOut(true);
      } catch (e) {
        if (!cancelled) setError(e instanceof ApiError ? e.message : String(e));
      }
    })();
    const stop = startAutosave();
    return () => {
      cancelled = true;
      void flush().finally(stop);
    };
  }, [name]);

  useEffect(() => {
    if (selectedCount === 1) setTab((current) => (current === "checks" || current === "properties" ? "properties" : current));
  }, [selectedCount]);

  useEffect(
    () =>
      tinykeys(window, {
        "$mod+KeyZ": (e) => {
          if (isTyping(e) || !editable) return;
          e.preventDefault();
          undo();
        },
        "$mod+Shift+KeyZ": (e) => {
          if (isTyping(e) || !editable) return;
          e.preventDefault();
          redo();
        },
        "$mod+KeyY": (e) => {
          if (isTyping(e) || !editable) return;
          e.preventDefault();
          redo();
        },
        "$mod+KeyF": (e) => {
          e.preventDefault();
          setSearching(true);
        },
        "$mod+KeyC": (e) => {
          if (isTyping(e)) return;
          copySelection();
        },
        "$mod+KeyV": (e) => {
          if (isTyping(e) || !editable) return;
          e.preventDefault();
          pasteClipboard();
        },
      }),
    [editable],
  );

  if (error) {
    return (
      <p className="error page-error" role="alert">
        {error}
      </p>
    );
  }
  if (!flow) return <p className="muted page-error">{t("loading")}</p>;

  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.filter((d) => d.severity === "warning").length;
  const switchView = async (next: "canvas" | "text") => {
    await flush();
    setView(next);
  };

  return (
    <ReactFlowProvider>
      <div className="editor" data-testid="editor" data-laid-out={laidOut ? "yes" : "no"} data-layout-ms={layoutMs ?? ""}>
        <div className="toolbar">
          <a href="#/flows" className="ghost back" aria-label={t("nav.flows")}>
            ←
          </a>
          <h2 className="flow-title">
            {flow.title || flow.flow} <span className="muted mono">{flow.flow}</span>
          </h2>
          <span className={`save-status save-${status}`} data-testid="save-status" data-status={status} title={saveError}>
            {t(`save.${status}`)}
          </span>
          <span className="spacer" />
          {editable && (
            <>
              <button type="button" className="ghost" onClick={undo} disabled={!canUndo} title="Ctrl+Z" data-testid="undo">
                ↶ {t("editor.undo")}
              </button>
              <button type="button" className="ghost" onClick={redo} disabled={!canRedo} title="Ctrl+Shift+Z" data-testid="redo">
                ↷ {t("editor.redo")}
              </button>
              <button type="button" className="ghost" onClick={() => void tidyUp()} data-testid="tidy-up">
                {t("editor.tidyUp")}
              </button>
              {view === "canvas" && <AnnotationTools />}
            </>
          )}
          <a
            href={`#/flows/${encodeURIComponent(name)}${heatmap ? "" : "/heatmap"}`}
            className={`ghost button-like ${heatmap ? "active" : ""}`}
            data-testid="open-heatmap"
          >
            {t("heatmap.open")}
          </a>
          <a href={`#/flows/${encodeURIComponent(name)}/capacity`} className="ghost button-like" data-testid="open-capacity">
            {t("capacity.open")}
          </a>
          <button type="button" className="ghost" onClick={() => setSearching(true)} title="Ctrl+F">
            {t("editor.search")}
          </button>
          <div className="segmented" role="tablist">
            <button type="button" role="tab" aria-selected={view === "canvas"} onClick={() => void switchView("canvas")} data-testid="view-canvas">
              {t("editor.canvas")}
            </button>
            <button type="button" role="tab" aria-selected={view === "text"} onClick={() => void switchView("text")} data-testid="view-text">
              {t("editor.text")}
            </button>
          </div>
          {canPublish(user) && (
            <button type="button" className="primary" onClick={() => setPublishing(true)} data-testid="publish">
              {t("editor.publish")}
            </button>
          )}
        </div>
        <div className="editor-body">
          {editable && view === "canvas" && <Palette />}
          <div className="editor-main">
            {traffic && laidOut && <TrafficLegend name={name} job={traffic} />}
            {heatmap && !traffic && laidOut && <HeatMapLegend name={name} />}
            {view === "canvas" ? (
              laidOut ? (
                <Canvas readOnly={!editable} />
              ) : (
                <p className="muted page-error">{t("loading")}</p>
              )
            ) : (
              <Suspense fallback={<p className="muted page-error">{t("loading")}</p>}>
                <TextView name={name} readOnly={!editable} />
              </Suspense>
            )}
            {searching && <SearchBox onClose={() => setSearching(false)} />}
          </div>
          <aside className="side">
            <div className="tabs" role="tablist">
              {(["properties", "checks", "phone", "tests", "versions"] as Tab[]).map((id) => (
                <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)} data-testid={`tab-${id}`}>
                  {t(`tab.${id}`)}
                  {id === "checks" && (errors > 0 || warnings > 0) && (
                    <span className={`count ${errors ? "count-error" : "count-warning"}`}>{errors + warnings}</span>
                  )}
                </button>
              ))}
            </div>
            <div className="side-body">
              {tab === "properties" && (
                <Suspense fallback={<p className="muted">{t("loading")}</p>}>
                  <Inspector readOnly={!editable} />
                </Suspense>
              )}
              {tab === "checks" && <CheckList />}
              {tab === "phone" && <PhonePanel name={name} canSave={editable} />}
              {tab === "tests" && <TestsPanel name={name} />}
              {tab === "versions" && <VersionsPanel name={name} />}
            </div>
          </aside>
        </div>
        <ConflictDialog name={name} />
        {publishing && <PublishDialog name={name} onClose={() => setPublishing(false)} />}
      </div>
    </ReactFlowProvider>
  );
}
