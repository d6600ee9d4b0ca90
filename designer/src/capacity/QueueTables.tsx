// A run's figures per queue: the day's key figures, each queue's intervals, and what a staffing search found.
import { useTranslation } from "react-i18next";
import type { QueueInterval, QueueResult, StaffingResult } from "../model/capacity";
import { count, percent, seconds, timeOf } from "./figures";

const COLUMNS = ["agents", "offered", "answered", "abandoned", "service_level", "asa_s", "longest_wait_s", "occupancy"] as const;

function cell(row: QueueInterval, column: (typeof COLUMNS)[number]) {
  switch (column) {
    case "service_level":
    case "occupancy":
      return percent(row[column]);
    case "asa_s":
    case "longest_wait_s":
      return seconds(row[column]);
    case "agents":
      return Number.isInteger(row.agents) ? String(row.agents) : row.agents.toFixed(1);
    default:
      return count(row[column]);
  }
}

function Head({ first }: { first: string }) {
  const { t } = useTranslation();
  return (
    <thead>
      <tr>
        <th>{first}</th>
        {COLUMNS.map((c) => (
          <th key={c} className="num">
            {t(`capacity.figure.${c}`)}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** The day's key figures of each queue, and each queue's intervals below (folded). */
export function QueueTables({ queues }: { queues: Record<string, QueueResult> }) {
  const { t } = useTranslation();
  const list = Object.values(queues);
  if (!list.length) return <p className="muted">{t("capacity.noQueues")}</p>;
  return (
    <>
      <table className="table compact figures" data-testid="queue-figures">
        <Head first={t("capacity.queue")} />
        <tbody>
          {list.map((q) => (
            <tr key={q.name} data-queue={q.name}>
              <td className="mono">{q.name}</td>
              {COLUMNS.map((c) => (
                <td key={c} className="num" data-figure={c}>
                  {cell(q.total, c)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {list.map((q) => (
        <details key={q.name} className="intervals">
          <summary>{t("capacity.intervalsOf", { queue: q.name })}</summary>
          <table className="table compact figures">
            <Head first={t("capacity.interval")} />
            <tbody>
              {q.intervals.map((row) => (
                <tr key={row.start}>
                  <td className="mono">{timeOf(row.start)}</td>
                  {COLUMNS.map((c) => (
                    <td key={c} className="num">
                      {cell(row, c)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </>
  );
}

/** The agents a staffing search found per interval, beside Erlang C's answer for the calls offered. */
export function StaffingTables({ search, onAdopt }: { search: StaffingResult; onAdopt: ((agents: Record<string, string>) => void) | null }) {
  const { t } = useTranslation();
  const target = `${search.target.percent ?? ""}/${search.target.seconds ?? ""}`;
  return (
    <section data-testid="staffing">
      <h3>{t("capacity.staffing.title", { target })}</h3>
      <p className={search.met ? "ok" : "error"}>
        {t(search.met ? "capacity.staffing.met" : "capacity.staffing.notMet", { runs: search.runs })}{" "}
        {onAdopt && (
          <button
            type="button"
            className="ghost small"
            onClick={() => onAdopt(Object.fromEntries(search.queues.map((q) => [q.queue, q.intervals.map((row) => row.agents).join(", ")])))}
            data-testid="adopt-staffing"
          >
            {t("capacity.staffing.adopt")}
          </button>
        )}
      </p>
      {search.queues.map((q) => (
        <table key={q.queue} className="table compact figures" data-staffing={q.queue}>
          <thead>
            <tr>
              <th>{q.queue}</th>
              <th className="num">{t("capacity.figure.offered")}</th>
              <th className="num">{t("capacity.staffing.agents")}</th>
              <th className="num">{t("capacity.staffing.erlangC")}</th>
              <th className="num">{t("capacity.figure.service_level")}</th>
              <th className="num">{t("capacity.figure.asa_s")}</th>
              <th className="num">{t("capacity.figure.abandoned")}</th>
            </tr>
          </thead>
          <tbody>
            {q.intervals.map((row) => (
              <tr key={row.start} data-start={row.start}>
                <td className="mono">{timeOf(row.start)}</td>
                <td className="num">{row.offered}</td>
                <td className="num strong" data-figure="agents">
                  {row.agents}
                </td>
                <td className="num" data-figure="erlang_c">
                  {row.erlang_c}
                </td>
                <td className="num">{percent(row.service_level)}</td>
                <td className="num">{seconds(row.asa_s)}</td>
                <td className="num">{row.abandoned}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
