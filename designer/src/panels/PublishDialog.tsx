// Publish the draft with a comment; refused with the reasons while it has errors or failing tests. Failing tests
// (not errors) can be overridden by an admin, deliberately: the service records the forced publish in the audit log.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import type { Diagnostic, Json } from "../model/types";
import { flush } from "../store/autosave";
import { useEditor } from "../store/editor";

export function PublishDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [reasons, setReasons] = useState<string[]>([]);
  const [done, setDone] = useState<number | null>(null);
  const [testsFailed, setTestsFailed] = useState(false);

  const publish = async (force = false) => {
    setBusy(true);
    setReasons([]);
    setTestsFailed(false);
    try {
      await flush();
      const answer = await api.publish(name, comment, force);
      setDone(Number(answer.version));
      window.dispatchEvent(new Event("callflow:published"));
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) {
        const diagnostics = (e.body.diagnostics as unknown as Diagnostic[]) ?? [];
        useEditor.getState().setDiagnostics(diagnostics);
        setReasons(diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.node ?? ""}: ${d.message}`));
      } else if (e instanceof ApiError && e.code === "tests_failed") {
        setTestsFailed(true);
        const failures = (e.body.failures as Json[]) ?? [];
        setReasons(
          failures.map((f) => {
            if (typeof f === "string") return f;
            const failure = f as Record<string, Json>;
            const what = Array.isArray(failure.failures) ? failure.failures.join("; ") : "";
            return `${String(failure.case ?? failure.name ?? "")}: ${what}`;
          }),
        );
      } else setReasons([e instanceof Error ? e.message : String(e)]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="dialog-backdrop" role="dialog" aria-modal="true" aria-labelledby="publish-title">
      <div className="dialog" data-testid="publish-dialog">
        <h3 id="publish-title">{t("publish.title")}</h3>
        {done !== null ? (
          <>
            <p className="ok" data-testid="published">
              {t("publish.done", { version: done })}
            </p>
            <button type="button" className="primary" onClick={onClose}>
              {t("close")}
            </button>
          </>
        ) : (
          <>
            <label>
              {t("publish.comment")}
              <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={3} autoFocus name="comment" />
            </label>
            {reasons.length > 0 && (
              <div className="error" role="alert" data-testid="publish-refused">
                <strong>{t("publish.refused")}</strong>
                <ul>
                  {reasons.map((r, i) => (
                    <li key={i}>{r}</li>
                  ))}
                </ul>
              </div>
            )}
            <div className="row end">
              <button type="button" className="ghost" onClick={onClose}>
                {t("cancel")}
              </button>
              {testsFailed && (
                <button type="button" className="danger" onClick={() => void publish(true)} disabled={busy} data-testid="publish-force">
                  {t("publish.force")}
                </button>
              )}
              <button type="button" className="primary" onClick={() => void publish()} disabled={busy || !comment.trim()} data-testid="publish-confirm">
                {t("publish.confirm")}
              </button>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
