// The environment (callflow.toml): queues, mailboxes, destinations, data sources and voices as tables, working
// hours as a weekly grid, holidays on a calendar, and the switches. Admins edit; others read.
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import { HolidayCalendar } from "../environment/HolidayCalendar";
import { holidayDates, holidayEntries, hoursOf, weekOf } from "../environment/hours";
import { HoursGrid } from "../environment/HoursGrid";
import { SwitchesPanel } from "../environment/Switches";
import type { Json } from "../model/types";
import { canPublish, useSession } from "../store/session";

type Table = Record<string, Record<string, Json>>;
const SECTIONS = ["queues", "mailboxes", "destinations", "sources"] as const;

function SectionTable({ name, table, admin, onChange }: { name: string; table: Table; admin: boolean; onChange: (t: Table) => void }) {
  const { t } = useTranslation();
  const columns = [...new Set(Object.values(table).flatMap((row) => Object.keys(row).filter((k) => typeof row[k] !== "object" || row[k] === null)))];
  return (
    <section className="env-section" data-section={name}>
      <h2>{t(`env.${name}`)}</h2>
      <table className="table">
        <thead>
          <tr>
            <th>{t("env.name")}</th>
            {columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Object.entries(table).map(([key, row]) => (
            <tr key={key}>
              <td className="mono">{key}</td>
              {columns.map((c) => (
                <td key={c}>
                  <input
                    value={row[c] === undefined || row[c] === null ? "" : String(row[c])}
                    readOnly={!admin}
                    onChange={(e) => {
                      const raw = e.target.value;
                      const value: Json = typeof row[c] === "number" && raw !== "" && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
                      onChange({ ...table, [key]: { ...row, [c]: value } });
                    }}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function EnvironmentPage() {
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const admin = canPublish(user);
  const [env, setEnv] = useState<Record<string, Json> | null>(null);
  const [revision, setRevision] = useState("");
  const [dirty, setDirty] = useState(false);
  const [message, setMessage] = useState("");
  const reload = useCallback(() => {
    api.environment().then(
      (r) => {
        setEnv(r.env);
        setRevision(r.revision);
        setDirty(false);
      },
      (e) => setMessage(e instanceof ApiError ? e.message : String(e)),
    );
  }, []);
  useEffect(reload, [reload]);
  if (!env) return <p className="muted page-error">{message || t("loading")}</p>;

  const change = (next: Record<string, Json>) => {
    setEnv(next);
    setDirty(true);
  };
  const save = async () => {
    try {
      await api.saveEnvironment(revision, env);
      setMessage(t("save.saved"));
      reload();
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : String(e));
    }
  };
  const schedules = (env.schedules ?? {}) as Record<string, Record<string, Json>>;

  return (
    <div className="environment" data-testid="environment">
      <div className="list-head">
        <h1>{t("nav.environment")}</h1>
        {admin && (
          <button type="button" className="primary" disabled={!dirty} onClick={() => void save()}>
            {t("env.save")}
          </button>
        )}
        <span className="muted">{message}</span>
      </div>
      <SwitchesPanel admin={admin} />
      {SECTIONS.map((section) =>
        env[section] ? (
          <SectionTable
            key={section}
            name={section}
            admin={admin}
            table={env[section] as Table}
            onChange={(table) => change({ ...env, [section]: table as unknown as Json })}
          />
        ) : null,
      )}
      {env.voices && (
        <SectionTable
          name="voices"
          admin={admin}
          table={{ voices: env.voices as Record<string, Json> }}
          onChange={(table) => change({ ...env, voices: table.voices })}
        />
      )}
      {Object.entries(schedules).map(([name, schedule]) => {
        const hours = (schedule.hours ?? {}) as Record<string, string>;
        const holidays = holidayDates(((schedule.holidays ?? []) as string[]).map(String));
        const setSchedule = (next: Record<string, Json>) => change({ ...env, schedules: { ...schedules, [name]: next } });
        return (
          <section key={name} className="env-section" data-schedule={name}>
            <h2>
              {t("env.schedule")} <span className="mono">{name}</span>
            </h2>
            <h4>{t("env.hours")}</h4>
            <HoursGrid week={weekOf(hours)} readOnly={!admin} onChange={(week) => setSchedule({ ...schedule, hours: hoursOf(week) })} />
            <h4>{t("env.holidays")}</h4>
            <HolidayCalendar
              dates={holidays}
              readOnly={!admin}
              onToggle={(date) => {
                const next = new Set(holidays);
                if (next.has(date)) next.delete(date);
                else next.add(date);
                setSchedule({ ...schedule, holidays: holidayEntries(next) });
              }}
            />
          </section>
        );
      })}
    </div>
  );
}
