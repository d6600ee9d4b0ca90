// Over the canvas while the records' heat map is painted: the version and period asked for, the heat scale, and,
// for the one selected node, the last calls through it, each opening its path on the canvas; and, asked for, the
// flow's test coverage beside it (HeatCoverage).
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import { type HeatMap, heatPaint, type NodeCall, pathOf } from "../model/heatmap";
import type { Version } from "../model/types";
import { useWhen } from "../format";
import { useOverlay } from "../store/overlay";
import { useSelection } from "../store/selection";
import { HeatCoverage } from "./HeatCoverage";
import { HEAT_COLOURS, HEAT_LEVELS } from "./traffic";

const LAST_CALLS = 20;

export function HeatMapLegend({ name }: { name: string }) {
  const when = useWhen();
  const { t } = useTranslation();
  const traffic = useOverlay((s) => s.traffic);
  const selected = useSelection((s) => (s.selected.size === 1 ? [...s.selected][0] : null));
  const [versions, setVersions] = useState<Version[]>([]);
  const [version, setVersion] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [map, setMap] = useState<HeatMap | null>(null);
  const [error, setError] = useState("");
  const [calls, setCalls] = useState<NodeCall[] | null>(null);
  const [opened, setOpened] = useState<string | null>(null);
  const [beside, setBeside] = useState(false);

  useEffect(() => {
    api.versions(name).then(
      (r) => setVersions(r.versions),
      () => undefined,
    );
  }, [name]);

  const query = new URLSearchParams(
    Object.entries({ version, from, to }).filter(([, value]) => value !== ""),
  ).toString();

  useEffect(() => {
    let cancelled = false;
    setError("");
    api.heatmap(name, query).then(
      (answer) => {
        if (cancelled) return;
        setMap(answer);
        useOverlay.getState().setTraffic(heatPaint(answer));
      },
      (e) => !cancelled && setError(e instanceof ApiError ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [name, query]);
  useEffect(() => () => useOverlay.getState().setTraffic(null), []);

  const mapQuery = map ? new URLSearchParams({ version: String(map.version), from: map.from, to: map.to }).toString() : "";
  useEffect(() => {
    setCalls(null);
    setOpened(null);
    if (!selected || !mapQuery) return;
    let cancelled = false;
    api.heatmapCalls(name, selected, `${mapQuery}&limit=${LAST_CALLS}`).then(
      (r) => !cancelled && setCalls(r.calls),
      (e) => !cancelled && setError(e instanceof ApiError ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [name, selected, mapQuery]);

  const open = async (call: NodeCall) => {
    try {
      const record = await api.call(call.call_id);
      setOpened(call.call_id);
      useOverlay.getState().setPath(pathOf(record.events));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  return (
    <>
      <div className="traffic-legend" data-testid="heatmap-legend" role="status">
        <strong>{t("heatmap.title")}</strong>
        <select value={version} onChange={(e) => setVersion(e.target.value)} aria-label={t("heatmap.version")} data-testid="heatmap-version">
          <option value="">{t("heatmap.newest")}</option>
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              v{v.version}
            </option>
          ))}
          <option value="0">{t("heatmap.drafts")}</option>
        </select>
        <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} aria-label={t("reports.from")} data-testid="heatmap-from" />
        <input type="date" value={to} onChange={(e) => setTo(e.target.value)} aria-label={t("reports.to")} data-testid="heatmap-to" />
        {error ? (
          <span className="error">{error}</span>
        ) : map && traffic ? (
          <>
            <span data-testid="heatmap-calls" data-version={map.version}>
              {t("heatmap.calls", { count: map.calls, version: map.version, from: map.from, to: map.to })}
            </span>
            {HEAT_COLOURS.slice(1, HEAT_LEVELS + 1).map((colour, i) => (
              <span key={colour} className="swatch" style={{ background: colour }} title={`≤ ${Math.ceil((traffic.max * (i + 1)) / HEAT_LEVELS)}`} />
            ))}
            <span className="muted">{t("heatmap.hint")}</span>
          </>
        ) : (
          <span className="muted">{t("loading")}</span>
        )}
        <span className="spacer" />
        <label className="heatmap-beside">
          <input type="checkbox" checked={beside} onChange={(e) => setBeside(e.target.checked)} data-testid="heatmap-coverage-toggle" />
          {t("heatmap.coverage.toggle")}
        </label>
        <a href={`#/flows/${encodeURIComponent(name)}`} data-testid="heatmap-clear">
          {t("capacity.traffic.clear")}
        </a>
      </div>
      {beside && map && <HeatCoverage name={name} map={map} />}
      {selected && calls && (
        <div className="heatmap-calls" data-testid="heatmap-node-calls" data-node={selected}>
          <strong>{t("heatmap.lastCalls", { node: selected })}</strong>
          {calls.length === 0 ? (
            <p className="muted">{t("heatmap.noCalls")}</p>
          ) : (
            <ul>
              {calls.map((call) => (
                <li key={call.call_id}>
                  <button
                    type="button"
                    className={`ghost ${opened === call.call_id ? "active" : ""}`}
                    onClick={() => void open(call)}
                    data-testid="heatmap-call"
                    data-call={call.call_id}
                  >
                    {when(call.start)} · <span className="mono">{call.caller}</span> · {t(`heatmap.outcome.${call.outcome}`, { defaultValue: call.outcome })}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </>
  );
}
