// Over the canvas while a capacity run's traffic is painted: where the numbers come from, the heat scale, and the
// ways back (to the run, or to the plain canvas).
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import { mainResult } from "../model/capacity";
import { useOverlay } from "../store/overlay";
import { HEAT_COLOURS, HEAT_LEVELS, trafficOf } from "./traffic";

export function TrafficLegend({ name, job }: { name: string; job: string }) {
  const { t } = useTranslation();
  const traffic = useOverlay((s) => s.traffic);
  const [error, setError] = useState("");

  useEffect(() => {
    let cancelled = false;
    api.job(job).then(
      (answer) => {
        if (cancelled) return;
        const painted = answer.result ? trafficOf(job, mainResult(answer.result), name) : null;
        if (painted) useOverlay.getState().setTraffic(painted);
        else setError(answer.result ? t("capacity.traffic.none") : t("capacity.traffic.notDone"));
      },
      (e) => !cancelled && setError(e instanceof ApiError ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
      useOverlay.getState().setTraffic(null);
    };
  }, [job, name, t]);

  const capacity = `#/flows/${encodeURIComponent(name)}/capacity/${encodeURIComponent(job)}`;
  return (
    <div className="traffic-legend" data-testid="traffic-legend" role="status">
      {error ? (
        <span className="error">{error}</span>
      ) : traffic ? (
        <>
          <strong>{t("capacity.traffic.title")}</strong>
          <span data-testid="traffic-arrived">{t("capacity.traffic.arrived", { count: traffic.arrived })}</span>
          <span className="muted">{t("capacity.traffic.scale")}</span>
          {HEAT_COLOURS.slice(1, HEAT_LEVELS + 1).map((colour, i) => (
            <span key={colour} className="swatch" style={{ background: colour }} title={`≤ ${Math.ceil((traffic.max * (i + 1)) / HEAT_LEVELS)}`} />
          ))}
          <span className="muted">{t("capacity.traffic.busiest", { count: traffic.max })}</span>
        </>
      ) : (
        <span className="muted">{t("loading")}</span>
      )}
      <span className="spacer" />
      <a href={capacity} data-testid="traffic-back">
        {t("capacity.traffic.back")}
      </a>
      <a href={`#/flows/${encodeURIComponent(name)}`} data-testid="traffic-clear">
        {t("capacity.traffic.clear")}
      </a>
    </div>
  );
}
