// A finished capacity job: the calls by outcome (containment, voicemail...), the key figures per queue, what a
// staffing search found or how two versions differ, the traffic to paint on the canvas, and the report's charts.
import { useTranslation } from "react-i18next";
import { api } from "../api";
import { AskedSummary } from "./AskedSummary";
import { isComparison, isStaffing, mainResult, type Comparison, type Job, type LoadResult } from "../model/capacity";
import type { Json } from "../model/types";
import { count, percent, seconds, signed } from "./figures";
import { QueueTables, StaffingTables } from "./QueueTables";
import { ReportFrame } from "./ReportFrame";

const OUTCOMES = ["answered", "abandoned", "voicemail", "transferred", "contained", "left_queue", "time_limit"];

function CallFigures({ result }: { result: LoadResult }) {
  const { t } = useTranslation();
  const calls = result.calls;
  const tiles: [string, string, string][] = [
    ["arrived", t("capacity.calls.arrived"), String(calls.arrived)],
    ["containment", t("capacity.calls.containment"), percent(calls.containment)],
    ["voicemail", t("capacity.outcome.voicemail"), String(calls.outcomes.voicemail ?? 0)],
    ["transferred", t("capacity.outcome.transferred"), String(calls.outcomes.transferred ?? 0)],
    ["node_errors", t("capacity.calls.nodeErrors"), String(calls.node_errors)],
    ["fallbacks", t("capacity.calls.fallbacks"), String(calls.fallbacks)],
  ];
  return (
    <>
      <div className="tiles" data-testid="call-figures">
        {tiles.map(([key, label, value]) => (
          <div key={key} className="tile" data-figure={key}>
            <span className="tile-value">{value}</span>
            <span className="tile-label">{label}</span>
          </div>
        ))}
      </div>
      <table className="table compact figures outcomes" data-testid="outcomes">
        <thead>
          <tr>
            {OUTCOMES.map((o) => (
              <th key={o} className="num">
                {t(`capacity.outcome.${o}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {OUTCOMES.map((o) => (
              <td key={o} className="num" data-outcome={o}>
                {calls.outcomes[o] ?? 0} <span className="muted small">{percent(calls.arrived ? (calls.outcomes[o] ?? 0) / calls.arrived : null, 0)}</span>
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </>
  );
}

/** Each caller type of the mix: its calls and how they ended. */
function CallerTable({ result }: { result: LoadResult }) {
  const { t } = useTranslation();
  if (result.callers.length < 2) return null;
  return (
    <details className="intervals" data-testid="caller-types">
      <summary>{t("capacity.callerTypes")}</summary>
      <table className="table compact figures">
        <thead>
          <tr>
            <th />
            <th className="num">{t("capacity.calls.arrived")}</th>
            {OUTCOMES.map((o) => (
              <th key={o} className="num">
                {t(`capacity.outcome.${o}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {result.callers.map((caller, i) => (
            <tr key={`${i}:${caller.name}`}>
              <td>{caller.name}</td>
              <td className="num">{caller.calls}</td>
              {OUTCOMES.map((o) => (
                <td key={o} className="num">
                  {caller.outcomes[o] ?? 0}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

const num = (value: Json | undefined) => (typeof value === "number" ? value : null);

/** Two versions side by side: the calls and each queue's day, and the difference (second minus first). */
function ComparisonTable({ comparison }: { comparison: Comparison }) {
  const { t } = useTranslation();
  const { first, second } = comparison;
  const side = (r: LoadResult) => String(r.asked.version ?? r.flow);
  const rows: [string, string, string, string][] = [
    [t("capacity.calls.arrived"), count(first.calls.arrived), count(second.calls.arrived), signed(second.calls.arrived - first.calls.arrived)],
    [
      t("capacity.calls.containment"),
      percent(first.calls.containment),
      percent(second.calls.containment),
      first.calls.containment === null || second.calls.containment === null ? "—" : signed(second.calls.containment - first.calls.containment, (v) => percent(v)),
    ],
    ...OUTCOMES.map((o): [string, string, string, string] => {
      const a = first.calls.outcomes[o] ?? 0;
      const b = second.calls.outcomes[o] ?? 0;
      return [t(`capacity.outcome.${o}`), String(a), String(b), signed(b - a)];
    }),
  ];
  for (const name of Object.keys(first.queues).filter((q) => q in second.queues)) {
    const a = first.queues[name].total;
    const b = second.queues[name].total;
    rows.push([`${name}: ${t("capacity.figure.service_level")}`, percent(a.service_level), percent(b.service_level), a.service_level === null || b.service_level === null ? "—" : signed(b.service_level - a.service_level, (v) => percent(v))]);
    const asaA = num(a.asa_s);
    const asaB = num(b.asa_s);
    rows.push([`${name}: ${t("capacity.figure.asa_s")}`, seconds(asaA), seconds(asaB), asaA === null || asaB === null ? "—" : signed(asaB - asaA, (v) => seconds(v))]);
    rows.push([`${name}: ${t("capacity.figure.abandoned")}`, String(a.abandoned), String(b.abandoned), signed(b.abandoned - a.abandoned)]);
  }
  return (
    <section data-testid="comparison">
      <h3>{t("capacity.compare.title")}</h3>
      <table className="table compact figures">
        <thead>
          <tr>
            <th />
            <th className="num">{side(first)}</th>
            <th className="num">{side(second)}</th>
            <th className="num">{t("capacity.compare.difference")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, a, b, d]) => (
            <tr key={label} data-row={label}>
              <td>{label}</td>
              <td className="num">{a}</td>
              <td className="num">{b}</td>
              <td className="num strong" data-figure="difference">
                {d}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** `onAdopt`: put a staffing search's agents into the form (editors). */
export function LoadResults({ name, job, onAdopt }: { name: string; job: Job; onAdopt: ((agents: Record<string, string>) => void) | null }) {
  const { t } = useTranslation();
  if (!job.result) return null;
  const result = mainResult(job.result);
  const painted = !!result.nodes[name];
  return (
    <div className="load-results" data-testid="load-results">
      <AskedSummary result={result} />
      <div className="row actions">
        {painted && (
          <a className="button-like primary-link" href={`#/flows/${encodeURIComponent(name)}/traffic/${encodeURIComponent(job.id)}`} data-testid="paint-traffic">
            {t("capacity.paintTraffic")}
          </a>
        )}
        <a className="button-like" href={api.jobReportUrl(job.id)} target="_blank" rel="noopener" data-testid="open-report">
          {t("capacity.openReport")}
        </a>
      </div>
      <h3>{t("capacity.calls.title")}</h3>
      <CallFigures result={result} />
      <CallerTable result={result} />
      <h3>{t("capacity.queues")}</h3>
      <QueueTables queues={result.queues} />
      {isStaffing(job.result) && <StaffingTables search={job.result} onAdopt={onAdopt} />}
      {isComparison(job.result) && <ComparisonTable comparison={job.result} />}
      <h3>{t("capacity.report")}</h3>
      <ReportFrame job={job.id} />
    </div>
  );
}
