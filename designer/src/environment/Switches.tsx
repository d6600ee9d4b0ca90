// The environment's switches (the emergency switch first) as guarded toggles: confirm, and who last flipped it.
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import { useWhen } from "../format";

type Switches = Record<string, { on: boolean; changed_by?: string; changed_at?: string }>;

export function SwitchesPanel({ admin }: { admin: boolean }) {
  const when = useWhen();
  const { t } = useTranslation();
  const [switches, setSwitches] = useState<Switches>({});
  const [error, setError] = useState("");
  const reload = useCallback(() => {
    api.switches().then(
      (r) => setSwitches(r.switches),
      (e) => setError(e instanceof ApiError ? e.message : String(e)),
    );
  }, []);
  useEffect(reload, [reload]);
  const flip = async (name: string, on: boolean) => {
    if (!window.confirm(t(on ? "switches.confirmOn" : "switches.confirmOff", { name }))) return;
    try {
      await api.setSwitch(name, on);
      reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const names = Object.keys(switches).sort((a, b) => (a === "emergency" ? -1 : b === "emergency" ? 1 : a.localeCompare(b)));
  return (
    <section className="env-section">
      <h2>{t("env.switches")}</h2>
      {error && <p className="error">{error}</p>}
      <ul className="switches">
        {names.map((name) => {
          const s = switches[name];
          return (
            <li key={name} className={`switch ${s.on ? "on" : ""} ${name === "emergency" ? "emergency" : ""}`} data-switch={name}>
              <label>
                <input type="checkbox" role="switch" checked={s.on} disabled={!admin} onChange={(e) => void flip(name, e.target.checked)} />
                <strong className="mono">{name}</strong> {s.on ? t("switches.on") : t("switches.off")}
              </label>
              {s.changed_by && (
                <span className="muted small">
                  {t("switches.lastFlipped", { who: s.changed_by, when: when(s.changed_at) })}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
