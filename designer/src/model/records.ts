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

/** A rate as a percentage in the interface language, `—` when nothing was counted. */
export function percent(value: number | null | undefined, language: string): string {
  if (value === null || value === undefined) return "—";
  return value.toLocaleString(language, { style: "percent", maximumFractionDigits: 1 });
}
