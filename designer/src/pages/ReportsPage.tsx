// A page per report (#/reports/NAME): the period, flow and grouping asked for, a bar chart of the numbers per
// category, a line chart of them period by period, the rows as a table, and the same report as CSV.
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import { barData, lineData } from "../model/reportCharts";
import { type Cell, percent, PERIODS, REPORT_NAMES, type Report, reportQuery, type ReportQuery } from "../model/records";
import { Chart } from "./Chart";

const RATES = new Set(["containment", "share", "service_level", "answer_rate", "answer_target"]);

export function ReportsPage({ name }: { name: string }) {
  const { t, i18n } = useTranslation();
  const [query, setQuery] = useState<ReportQuery>({ from: "", to: "", flow: "", by: name === "hours" || name === "paths" ? "" : "day" });
  const [flows, setFlows] = useState<string[]>([]);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.flows().then(
      (r) => setFlows(r.flows.map((f) => f.name).sort()),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    // Only the answer to the question on the page now is shown: typing a date or switching filters asks again
    // before earlier answers are back, and a slow earlier answer must not replace a newer one.
    let current = true;
    setError(null);
    api.report(name, reportQuery(query)).then(
      (answer) => current && setReport(answer),
      (e) => {
        if (!current) return;
        setReport(null);
        setError(e instanceof ApiError ? e.message : String(e));
      },
    );
    return () => {
      current = false;
    };
  }, [name, query]);

  const label = useCallback((column: string) => t(`reports.column.${column}`, { defaultValue: column }), [t]);
  const bars = useMemo(() => (report ? barData(report) : null), [report]);
  const lines = useMemo(() => (report ? lineData(report) : null), [report]);
  const shown = (column: string, cell: Cell) => {
    if (cell === null || cell === undefined) return "—";
    if (typeof cell === "boolean") return cell ? t("reports.yes") : t("reports.no");
    if (typeof cell === "number" && RATES.has(column)) return percent(cell, i18n.language);
    if (typeof cell === "number") return cell.toLocaleString(i18n.language, { maximumFractionDigits: 1 });
    return cell;
  };
  const set = (change: Partial<ReportQuery>) => setQuery((q) => ({ ...q, ...change }));

  return (
    <div className="records-page reports" data-testid="reports" data-report={name}>
      <div className="list-head">
        <h1>{t("reports.title")}</h1>
      </div>
      <nav className="report-tabs">
        {REPORT_NAMES.map((each) => (
          <a key={each} href={`#/reports/${each}`} className={each === name ? "active" : ""} data-testid={`report-tab-${each}`}>
            {t(`reports.name.${each}`)}
          </a>
        ))}
      </nav>
      <p className="muted">{t(`reports.about.${name}`, { defaultValue: "" })}</p>
      <div className="filters">
        <label>
          {t("reports.from")}
          <input type="date" value={query.from} onChange={(e) => set({ from: e.target.value })} data-testid="report-from" />
        </label>
        <label>
          {t("reports.to")}
          <input type="date" value={query.to} onChange={(e) => set({ to: e.target.value })} data-testid="report-to" />
        </label>
        <label>
          {t("reports.flow")}
          <select value={query.flow} onChange={(e) => set({ flow: e.target.value })} data-testid="report-flow">
            <option value="">{t("reports.allFlows")}</option>
            {flows.map((flow) => (
              <option key={flow} value={flow}>
                {flow}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("reports.by")}
          <select value={query.by} onChange={(e) => set({ by: e.target.value })} data-testid="report-by">
            {PERIODS.map((period) => (
              <option key={period} value={period}>
                {t(`reports.period.${period || "whole"}`)}
              </option>
            ))}
          </select>
        </label>
        <a className="button-like" href={`/api/reports/${encodeURIComponent(name)}?${reportQuery(query, true)}`} download data-testid="report-csv">
          {t("reports.csv")}
        </a>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="report-error">
          {error}
        </p>
      )}
      {report && (
        <>
          <p className="muted" data-testid="report-scope">
            {t("reports.scope", { from: report.scope.day_from, to: report.scope.day_to })}
            {Object.entries(report.summary).map(([key, value]) => (
              <span key={key} className="summary-figure" data-testid={`summary-${key}`}>
                {" · "}
                {label(key)}: {shown(key, value)}
              </span>
            ))}
          </p>
          {report.rows.length === 0 ? (
            <p className="muted" data-testid="report-empty">
              {t("reports.empty")}
            </p>
          ) : (
            <div className="charts">
              {bars && <Chart kind="bar" data={bars} label={label} testId="report-bar" />}
              {lines && lines.axis.length > 0 && <Chart kind="line" data={lines} label={label} testId="report-line" />}
            </div>
          )}
          <table className="table" data-testid="report-table">
            <thead>
              <tr>
                {report.columns.map((column) => (
                  <th key={column}>{label(column)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.rows.map((row, i) => (
                <tr key={i}>
                  {report.columns.map((column) => (
                    <td key={column} className={typeof row[column] === "number" ? "number" : ""}>
                      {shown(column, row[column])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
