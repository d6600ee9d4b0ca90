// How each report is drawn: which columns name a row (its category) and which numbers are charted. A bar chart
// shows the numbers per category over the whole period; a line chart shows them period by period.
import type { Cell, Report } from "./records";

interface ChartSpec {
  /** The columns that together name a category. */
  category: string[];
  /** The numbers charted; with one, the line chart draws a line per category, with more, a line per number. */
  measures: string[];
  /** Only these rows are charted (the paths report's exits are charted apart from its nodes). */
  keep?: (row: Record<string, Cell>) => boolean;
  /** The line chart's x axis when the report has no periods (hours: the hour of day, a line per weekday). */
  lineAxis?: string;
}

const SPECS: Record<string, ChartSpec> = {
  calls: { category: ["flow", "called"], measures: ["calls"] },
  ivr: { category: [], measures: ["self_served", "agent", "voicemail", "transferred", "abandoned", "fallback"] },
  menus: { category: ["menu", "choice"], measures: ["count"] },
  queues: { category: ["queue"], measures: ["offered", "answered", "abandoned"] },
  transfers: { category: ["destination", "result"], measures: ["count"] },
  voicemail: { category: ["mailbox"], measures: ["messages", "unread", "handled"] },
  survey: { category: ["question", "answer"], measures: ["count"] },
  hours: { category: ["weekday"], measures: ["calls"], lineAxis: "hour" },
  areas: { category: ["area"], measures: ["calls"] },
  paths: { category: ["node"], measures: ["calls", "drops", "errors"], keep: (row) => row.exit === "" },
  errors: { category: ["node", "kind"], measures: ["count"] },
};

export interface Series {
  name: string;
  values: number[];
}

/** Categories along the x axis and a series per drawn line or bar. */
export interface ChartData {
  axis: string[];
  series: Series[];
  /** Whether the axis holds column names (shown translated) rather than values. */
  axisNamesColumns?: boolean;
}

const MOST_LINES = 8;

const number = (cell: Cell | undefined) => (typeof cell === "number" ? cell : 0);

function nameOf(row: Record<string, Cell>, columns: string[]): string {
  return columns.map((c) => String(row[c] ?? "")).join(" · ") || "—";
}

function spec(report: Report): ChartSpec {
  return SPECS[report.report] ?? { category: [], measures: report.columns.filter((c) => typeof report.rows[0]?.[c] === "number") };
}

/** The bar chart's data: each measure summed per category over the period. */
export function barData(report: Report): ChartData {
  const { category, measures, keep } = spec(report);
  const rows = report.rows.filter((row) => !keep || keep(row));
  const axis: string[] = [];
  const sums = new Map<string, number[]>();
  for (const row of rows) {
    const name = category.length ? nameOf(row, category) : "";
    if (!sums.has(name)) {
      sums.set(name, measures.map(() => 0));
      axis.push(name);
    }
    const sum = sums.get(name) as number[];
    measures.forEach((m, i) => (sum[i] += number(row[m])));
  }
  if (!category.length) {
    // One row of numbers (the IVR's outcomes): a bar per number.
    return { axis: measures, series: [{ name: "calls", values: sums.get("") ?? measures.map(() => 0) }], axisNamesColumns: true };
  }
  return { axis, series: measures.map((m, i) => ({ name: m, values: axis.map((a) => (sums.get(a) as number[])[i]) })) };
}

/** The line chart's data: period by period (or along `lineAxis`), or null when the report has no such axis. */
export function lineData(report: Report): ChartData | null {
  const { category, measures, keep, lineAxis } = spec(report);
  const axisColumn = report.columns.includes("period") ? "period" : lineAxis;
  if (!axisColumn) return null;
  const rows = report.rows.filter((row) => !keep || keep(row));
  const axis = [...new Set(rows.map((row) => String(row[axisColumn])))].sort((a, b) =>
    axisColumn === "hour" ? Number(a) - Number(b) : a.localeCompare(b),
  );
  const at = new Map(axis.map((a, i) => [a, i]));
  const lines = new Map<string, number[]>();
  const line = (name: string) => {
    if (!lines.has(name)) lines.set(name, axis.map(() => 0));
    return lines.get(name) as number[];
  };
  for (const row of rows) {
    const i = at.get(String(row[axisColumn])) as number;
    if (measures.length === 1) line(category.length ? nameOf(row, category) : measures[0])[i] += number(row[measures[0]]);
    else measures.forEach((m) => (line(m)[i] += number(row[m])));
  }
  const series = [...lines.entries()]
    .map(([name, values]) => ({ name, values }))
    .sort((a, b) => b.values.reduce((x, y) => x + y, 0) - a.values.reduce((x, y) => x + y, 0))
    .slice(0, MOST_LINES);
  return { axis, series };
}
