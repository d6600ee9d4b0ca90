// Someone else saved this draft meanwhile: say who and when, and offer to reload theirs (this page's draft is
// kept in the browser and can be restored), keep this page's (saving over theirs), or compare the two first.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import { useWhen } from "../format";
import type { FlowGraph } from "../model/types";
import { backupKey, keepMine, resolvedByReload, useAutosave } from "../store/autosave";
import { clearHistory, useEditor } from "../store/editor";

interface Comparison {
  onlyMine: string[];
  onlyTheirs: string[];
  different: string[];
}

function compareGraphs(mine: FlowGraph, theirs: FlowGraph): Comparison {
  const byId = (flow: FlowGraph) => new Map(flow.nodes.map((n) => [n.id, n]));
  const edgesOf = (flow: FlowGraph, id: string) => JSON.stringify(flow.edges.filter((e) => e.from === id));
  const [a, b] = [byId(mine), byId(theirs)];
  return {
    onlyMine: [...a.keys()].filter((id) => !b.has(id)),
    onlyTheirs: [...b.keys()].filter((id) => !a.has(id)),
    different: [...a.keys()].filter(
      (id) => b.has(id) && (JSON.stringify(a.get(id)) !== JSON.stringify(b.get(id)) || edgesOf(mine, id) !== edgesOf(theirs, id)),
    ),
  };
}

export function ConflictDialog({ name }: { name: string }) {
  const when = useWhen();
  const { t } = useTranslation();
  const conflict = useAutosave((s) => s.conflict);
  const [comparison, setComparison] = useState<Comparison | null>(null);
  if (!conflict) return null;

  const reload = async () => {
    const mine = useEditor.getState().flow;
    if (mine) localStorage.setItem(`${backupKey(name)}.before-reload`, JSON.stringify(mine));
    const theirs = await api.flow(name);
    useEditor.getState().load(name, theirs.graph, theirs.revision);
    clearHistory();
    resolvedByReload();
    setComparison(null);
    const checked = await api.check(name);
    useEditor.getState().setDiagnostics(checked.diagnostics);
  };
  const compare = async () => {
    const theirs = await api.flow(name);
    const mine = useEditor.getState().flow;
    if (mine) setComparison(compareGraphs(mine, theirs.graph));
  };

  return (
    <div className="dialog-backdrop" role="alertdialog" aria-modal="true" aria-labelledby="conflict-title">
      <div className="dialog" data-testid="conflict-dialog">
        <h3 id="conflict-title">{t("conflict.title")}</h3>
        <p>{t("conflict.body", { who: conflict.changedBy || "?", when: when(conflict.changedAt) })}</p>
        <p className="muted small">{t("conflict.nothingLost")}</p>
        {comparison && (
          <div className="comparison" data-testid="conflict-comparison">
            <p>{t("conflict.onlyMine", { ids: comparison.onlyMine.join(", ") || "—" })}</p>
            <p>{t("conflict.onlyTheirs", { ids: comparison.onlyTheirs.join(", ") || "—" })}</p>
            <p>{t("conflict.different", { ids: comparison.different.join(", ") || "—" })}</p>
          </div>
        )}
        <div className="row end">
          <button type="button" className="ghost" onClick={() => void compare()} data-testid="conflict-compare">
            {t("conflict.compare")}
          </button>
          <button type="button" className="ghost" onClick={() => void reload()} data-testid="conflict-reload">
            {t("conflict.reload")}
          </button>
          <button type="button" className="primary" onClick={() => void keepMine()} data-testid="conflict-keep">
            {t("conflict.keepMine")}
          </button>
        </div>
      </div>
    </div>
  );
}
