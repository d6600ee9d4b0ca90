// The versions list: the semantic diff of any two (or of the draft) painted on the canvas, and roll back.
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import { useWhen } from "../format";
import type { Version } from "../model/types";
import { flush } from "../store/autosave";
import { useOverlay } from "../store/overlay";
import { canPublish, useSession } from "../store/session";
import { computeLayout } from "../canvas/autoLayout";
import { useEditor } from "../store/editor";
import { paintDiff } from "./diffPaint";
import { DiffSummary } from "./DiffSummary";

export function VersionsPanel({ name }: { name: string }) {
  const when = useWhen();
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const [versions, setVersions] = useState<Version[] | null>(null);
  const [error, setError] = useState("");
  const diff = useOverlay((s) => s.diff);
  const setDiff = useOverlay((s) => s.setDiff);

  const reload = useCallback(() => {
    api.versions(name).then(
      (r) => setVersions([...r.versions].sort((a, b) => b.version - a.version)),
      (e) => setError(e instanceof ApiError ? e.message : String(e)),
    );
  }, [name]);
  useEffect(reload, [reload]);
  useEffect(() => {
    window.addEventListener("callflow:published", reload);
    return () => window.removeEventListener("callflow:published", reload);
  }, [reload]);
  useEffect(() => () => setDiff(null), [setDiff]);

  const compare = async (from: number | "draft", to: number | "draft") => {
    setError("");
    try {
      await flush();
      const draft = useEditor.getState().flow;
      const [answer, old, version] = await Promise.all([
        api.diff(name, from, to),
        from === "draft" ? null : api.flow(name, from).then((r) => r.graph),
        to === "draft" ? null : api.flow(name, to).then((r) => r.graph),
      ]);
      if (!draft) return;
      let shown = version;
      if (shown && shown.nodes.some((n) => !shown?.layout?.[n.id])) {
        // A version saved without a drawing is laid out as the draft would be, its own positions kept.
        const laid = await computeLayout(shown, useEditor.getState().nodeTypes);
        shown = { ...shown, layout: { ...laid.positions, ...(shown.layout ?? {}) } };
      }
      setDiff(paintDiff(answer, old ?? draft, shown ?? draft, shown));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const rollback = async (version: number) => {
    const comment = window.prompt(t("versions.rollbackComment", { version }), t("versions.rollbackDefault", { version }));
    if (comment === null) return;
    try {
      await api.rollback(name, version, comment);
      reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  return (
    <div className="versions" data-testid="versions">
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {diff && <DiffSummary diff={diff} onClose={() => setDiff(null)} />}
      {versions === null ? (
        <p className="muted">{t("loading")}</p>
      ) : versions.length === 0 ? (
        <p className="muted">{t("versions.none")}</p>
      ) : (
        <>
          <button type="button" className="ghost" onClick={() => void compare(versions[0].version, "draft")} data-testid="diff-draft">
            {t("versions.compareDraft", { version: versions[0].version })}
          </button>
          <ul className="version-list">
            {versions.map((v, i) => (
              <li key={v.version} data-version={v.version}>
                <div className="row">
                  <span className="pill pill-ok">v{v.version}</span>
                  <span className="small">
                    {v.published_by} · {when(v.published_at)}
                  </span>
                </div>
                <div className="version-comment">
                  {v.comment}
                  {v.rollback_of ? <span className="muted small"> ({t("versions.rollbackOf", { version: v.rollback_of })})</span> : null}
                </div>
                <div className="row">
                  {i + 1 < versions.length && (
                    <button type="button" className="ghost small" onClick={() => void compare(versions[i + 1].version, v.version)} data-testid={`diff-${v.version}`}>
                      {t("versions.comparePrevious")}
                    </button>
                  )}
                  {canPublish(user) && i > 0 && (
                    <button type="button" className="ghost small" onClick={() => void rollback(v.version)} data-testid={`rollback-${v.version}`}>
                      {t("versions.rollback")}
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
