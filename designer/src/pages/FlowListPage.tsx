// The tenant's flows: draft changed, published version, who published when; create, rename, delete.
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import { useWhen } from "../format";
import type { FlowSummary } from "../model/types";
import { go } from "../route";
import { canEdit, useSession } from "../store/session";

export function FlowListPage() {
  const when = useWhen();
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const [flows, setFlows] = useState<FlowSummary[] | null>(null);
  const [error, setError] = useState("");
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [title, setTitle] = useState("");
  const editable = canEdit(user);

  const reload = useCallback(() => {
    api.flows().then(
      (r) => setFlows(r.flows),
      (e) => setError(String(e.message ?? e)),
    );
  }, []);
  useEffect(reload, [reload]);

  const create = async () => {
    setError("");
    try {
      await api.createFlow(name, title || undefined);
      go(`/flows/${encodeURIComponent(name)}`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const rename = async (flow: FlowSummary) => {
    const to = window.prompt(t("flows.renameTo"), flow.name);
    if (!to || to === flow.name) return;
    try {
      await api.renameFlow(flow.name, to);
      reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const remove = async (flow: FlowSummary) => {
    if (!window.confirm(t("flows.confirmDelete", { name: flow.name }))) return;
    try {
      await api.deleteFlow(flow.name, flow.revision);
      reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  return (
    <div className="flow-list">
      <div className="list-head">
        <h1>{t("flows.title")}</h1>
        {editable && (
          <button type="button" className="primary" onClick={() => setCreating(!creating)} data-testid="new-flow">
            {t("flows.new")}
          </button>
        )}
      </div>
      {creating && (
        <form
          className="create-flow"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <input placeholder={t("flows.name")} value={name} onChange={(e) => setName(e.target.value)} name="flow-name" />
          <input placeholder={t("flows.flowTitle")} value={title} onChange={(e) => setTitle(e.target.value)} name="flow-title" />
          <button type="submit" className="primary" disabled={!name}>
            {t("flows.create")}
          </button>
        </form>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {flows === null ? (
        <p className="muted">{t("loading")}</p>
      ) : (
        <table className="table" data-testid="flows">
          <thead>
            <tr>
              <th>{t("flows.name")}</th>
              <th>{t("flows.draft")}</th>
              <th>{t("flows.published")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {flows.map((flow) => (
              <tr key={flow.name} data-flow={flow.name}>
                <td>
                  <a href={`#/flows/${encodeURIComponent(flow.name)}`} className="flow-link">
                    <strong>{flow.title || flow.name}</strong>
                    <span className="muted mono">{flow.name}</span>
                  </a>
                </td>
                <td>
                  {flow.draft_changed ? <span className="pill pill-warn">{t("flows.changed")}</span> : <span className="pill">{t("flows.same")}</span>}
                  <div className="muted small">
                    {flow.changed_by} · {when(flow.changed_at)}
                  </div>
                </td>
                <td>
                  {flow.published ? (
                    <>
                      <span className="pill pill-ok">v{flow.published.version}</span>
                      <div className="muted small">
                        {flow.published.published_by} · {when(flow.published.published_at)}
                      </div>
                    </>
                  ) : (
                    <span className="muted">{t("flows.never")}</span>
                  )}
                </td>
                <td className="actions">
                  {editable && !flow.published && (
                    <button type="button" className="ghost" onClick={() => rename(flow)}>
                      {t("flows.rename")}
                    </button>
                  )}
                  {editable && (
                    <button type="button" className="ghost danger" onClick={() => remove(flow)}>
                      {t("flows.delete")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
