// What the records API answers (docs/records.md): the dashboard and reports.

/** A key figure against its target (rates are fractions; `null` when nothing was counted). */
export interface Kpi {
  name: string;
  value: number | null;
  target: number;
  met: boolean | null;
}

/** `GET /api/dashboard`: today's figures in the tenant's time zone. */
export interface Dashboard {
  day: string;
  calls: number;
  service_level: number | null;
  abandonment: number | null;
  containment: number | null;
  voicemail_waiting: number;
  kpis: Kpi[];
}

/** A tenant's last prune of old records (`at` in UTC, `before` the first local day kept). */
export interface PruneRun {
  at: string;
  before: string;
  calls: number;
  messages: number;
  files: number;
}

/** `GET /api/records/retention`: how long the tenant's records are kept, and the service's prunes (`schedule`
 * and `next_prune` are null when this service does not prune; `days` null: kept for ever). */
export interface RecordsRetention {
  days: number | null;
  schedule: string | null;
  time_zone: string;
  next_prune: string | null;
  last_prune: PruneRun | null;
}

/** A rate as a percentage in the interface language, `—` when nothing was counted. */
export function percent(value: number | null | undefined, language: string): string {
  if (value === null || value === undefined) return "—";
  return value.toLocaleString(language, { style: "percent", maximumFractionDigits: 1 });
}

/** A value of a report's row: a count, a rate, seconds, a name; `null` when nothing was counted. */
export type Cell = string | number | boolean | null;

/** `GET /api/reports/{name}`: flat rows in `columns`' order, and the figures over the whole period. */
export interface Report {
  report: string;
  scope: { day_from: string; day_to: string; flow?: string | null; version?: number | null; origin?: string | null };
  by: string | null;
  columns: string[];
  rows: Record<string, Cell>[];
  summary: Record<string, Cell>;
}

export const REPORT_NAMES = [
  "calls",
  "ivr",
  "menus",
  "queues",
  "transfers",
  "voicemail",
  "survey",
  "hours",
  "areas",
  "paths",
  "errors",
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export const PERIODS = ["", "hour", "day", "week", "month"] as const;

/** The period and filter a report is asked for; empty strings leave the service's defaults. */
export interface ReportQuery {
  from: string;
  to: string;
  flow: string;
  by: string;
}

export function reportQuery(query: ReportQuery, csv = false): string {
  const pairs = Object.entries(query).filter(([, value]) => value !== "");
  if (csv) pairs.push(["format", "csv"]);
  return new URLSearchParams(pairs).toString();
}
