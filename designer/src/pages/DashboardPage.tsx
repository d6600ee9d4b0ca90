// The tenant's dashboard: today's calls, service level, abandonment, containment and the messages waiting, and the
// two KPIs against the targets the service returns (connection rate 99 %, agent answer rate 90 %); how long records
// are kept. Refreshed every 30 s while it is seen, and when it is seen again.
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import { percent, type Dashboard, type RecordsRetention } from "../model/records";
import { useWaiting } from "../store/waiting";
import { useWhileSeen } from "../whileSeen";
import { RetentionNote } from "./RetentionNote";

/** How often a dashboard left open asks for today's figures again. */
const REFRESH_MS = 30_000;

export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const [board, setBoard] = useState<Dashboard | null>(null);
  const [retention, setRetention] = useState<RecordsRetention | null>(null);
  const [tenant, setTenant] = useState("");
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    setError(null);
    api.dashboard().then(
      (answer) => {
        setBoard(answer);
        useWaiting.setState({ waiting: answer.voicemail_waiting }); // the top bar's badge says the same
      },
      (e) => setError(e instanceof ApiError ? e.message : String(e)),
    );
    api.retention().then(setRetention, () => setRetention(null));
  }, []);
  useEffect(reload, [reload]);
  useWhileSeen(reload, REFRESH_MS); // a wall display
  useEffect(() => {
    api.me().then(
      (me) => setTenant(String(me.tenant.title ?? me.tenant.name ?? "")),
      () => undefined,
    );
  }, []);

  const figures: { key: string; value: string; hint: string }[] = board
    ? [
        { key: "calls", value: board.calls.toLocaleString(i18n.language), hint: t("dashboard.hint.calls") },
        { key: "service_level", value: percent(board.service_level, i18n.language), hint: t("dashboard.hint.service_level") },
        { key: "abandonment", value: percent(board.abandonment, i18n.language), hint: t("dashboard.hint.abandonment") },
        { key: "containment", value: percent(board.containment, i18n.language), hint: t("dashboard.hint.containment") },
      ]
    : [];

  return (
    <div className="records-page dashboard" data-testid="dashboard">
      <div className="list-head">
        <h1>
          {t("dashboard.title")}
          {tenant && <span className="muted"> · {tenant}</span>}
        </h1>
        <span className="spacer" />
        <button type="button" className="ghost" onClick={reload} data-testid="dashboard-reload">
          {t("dashboard.reload")}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!board ? (
        !error && <p className="muted">{t("loading")}</p>
      ) : (
        <>
          <p className="muted" data-testid="dashboard-day">
            {t("dashboard.today", { day: new Date(`${board.day}T12:00:00`).toLocaleDateString(i18n.language, { dateStyle: "full" }) })}
          </p>
          <div className="figures">
            {figures.map((figure) => (
              <div className="figure" key={figure.key} data-testid={`figure-${figure.key}`} title={figure.hint}>
                <span className="figure-name">{t(`dashboard.figure.${figure.key}`)}</span>
                <strong className="figure-value">{figure.value}</strong>
              </div>
            ))}
            <a className="figure" href="#/voicemail" data-testid="figure-voicemail_waiting" title={t("dashboard.hint.voicemail_waiting")}>
              <span className="figure-name">{t("dashboard.figure.voicemail_waiting")}</span>
              <strong className="figure-value">{board.voicemail_waiting.toLocaleString(i18n.language)}</strong>
            </a>
          </div>
          <h2>{t("dashboard.kpis")}</h2>
          <div className="figures">
            {board.kpis.map((kpi) => (
              <div
                key={kpi.name}
                className={`figure kpi ${kpi.met === null ? "kpi-none" : kpi.met ? "kpi-met" : "kpi-missed"}`}
                data-testid={`kpi-${kpi.name}`}
                data-met={kpi.met === null ? "none" : kpi.met ? "yes" : "no"}
              >
                <span className="figure-name">{t(`dashboard.kpi.${kpi.name}`, { defaultValue: kpi.name })}</span>
                <strong className="figure-value">{percent(kpi.value, i18n.language)}</strong>
                <span className="kpi-target">
                  {t("dashboard.target", { target: percent(kpi.target, i18n.language) })} ·{" "}
                  {kpi.met === null ? t("dashboard.noCalls") : kpi.met ? t("dashboard.met") : t("dashboard.missed")}
                </span>
                <progress max={1} value={kpi.value ?? 0} aria-label={t(`dashboard.kpi.${kpi.name}`, { defaultValue: kpi.name })} />
              </div>
            ))}
          </div>
          {retention && <RetentionNote retention={retention} />}
        </>
      )}
    </div>
  );
}
