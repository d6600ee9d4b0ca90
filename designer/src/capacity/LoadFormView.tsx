// The run a capacity simulation asks for: arrivals (a rate or a profile), the day, agents per queue, handling
// time, patience, the caller mix, the seed, and a staffing search or a comparison with another version.
import { useTranslation } from "react-i18next";
import type { LoadForm, Side } from "./request";
import { EXAMPLE_CALLERS, EXAMPLE_MONDAY, EXAMPLE_PROFILE } from "./examples";

export interface QueueChoice {
  name: string;
  description: string;
  /** Whether a node of the flow waits in it (others are offered for the flows it calls). */
  used: boolean;
}

interface Props {
  form: LoadForm;
  change(next: Partial<LoadForm>): void;
  queues: QueueChoice[];
  versions: number[];
  readOnly: boolean;
}

const sideValue = (side: Side | null) => (side === null ? "" : String(side));
const sideOf = (value: string): Side => (value === "draft" ? "draft" : Number(value));

/** A text file chosen in the page, read as text (a profile's CSV, a caller mix's YAML). */
function readInto(file: File | undefined, done: (text: string) => void) {
  if (file) void file.text().then(done);
}

export function LoadFormView({ form, change, queues, versions, readOnly }: Props) {
  const { t } = useTranslation();
  const sides = (
    <>
      <option value="draft">{t("capacity.form.draft")}</option>
      {versions.map((v) => (
        <option key={v} value={v}>
          v{v}
        </option>
      ))}
    </>
  );
  return (
    <fieldset className="load-form" disabled={readOnly} data-testid="load-form">
      <section>
        <h3>{t("capacity.form.arrivals")}</h3>
        <div className="segmented" role="radiogroup">
          {(["rate", "profile"] as const).map((mode) => (
            <button
              key={mode}
              type="button"
              role="radio"
              aria-checked={form.arrivals === mode}
              onClick={() => change({ arrivals: mode })}
              data-testid={`arrivals-${mode}`}
            >
              {t(`capacity.form.${mode}`)}
            </button>
          ))}
        </div>
        {form.arrivals === "rate" ? (
          <label>
            {t("capacity.form.callsPerHour")}
            <input type="number" min="1" value={form.callsPerHour} onChange={(e) => change({ callsPerHour: e.target.value })} data-testid="calls-per-hour" />
          </label>
        ) : (
          <>
            <div className="row">
              <input type="file" accept=".csv,text/csv" aria-label={t("capacity.form.profileFile")} onChange={(e) => readInto(e.target.files?.[0], (profile) => change({ profile }))} data-testid="profile-file" />
              <button type="button" className="ghost small" onClick={() => change({ profile: EXAMPLE_PROFILE, start: form.start || `${EXAMPLE_MONDAY}T00:00`, duration: "" })} data-testid="example-profile">
                {t("capacity.form.exampleProfile")}
              </button>
            </div>
            <textarea className="mono" rows={5} value={form.profile} placeholder={"start,calls\n09:00,620\n09:30,780"} onChange={(e) => change({ profile: e.target.value })} data-testid="profile" />
          </>
        )}
        <div className="row">
          <label>
            {t("capacity.form.duration")}
            <input value={form.duration} placeholder={form.arrivals === "rate" ? "1h" : t("capacity.form.wholeProfile")} onChange={(e) => change({ duration: e.target.value })} data-testid="duration" />
          </label>
          <label>
            {t("capacity.form.start")}
            <input type="datetime-local" value={form.start} onChange={(e) => change({ start: e.target.value })} data-testid="start" />
          </label>
          <label>
            {t("capacity.form.interval")}
            <input value={form.interval} placeholder="30m" onChange={(e) => change({ interval: e.target.value })} data-testid="interval" />
          </label>
        </div>
      </section>

      <section>
        <h3>{t("capacity.form.agents")}</h3>
        <table className="table compact" data-testid="agents">
          <tbody>
            {queues.map((q) => (
              <tr key={q.name} className={q.used ? "" : "muted"}>
                <td className="mono">{q.name}</td>
                <td>
                  <input
                    inputMode="numeric"
                    value={form.agents[q.name] ?? ""}
                    placeholder={q.used ? "" : t("capacity.form.notUsed")}
                    aria-label={t("capacity.form.agentsOf", { queue: q.name })}
                    title={t("capacity.form.agentsHelp")}
                    onChange={(e) => change({ agents: { ...form.agents, [q.name]: e.target.value } })}
                    data-testid={`agents-${q.name}`}
                  />
                </td>
                <td className="muted small">{q.description}</td>
                <td>
                  <label className="inline small">
                    <input
                      type="checkbox"
                      checked={form.findAgents.includes(q.name)}
                      onChange={(e) =>
                        change({ findAgents: e.target.checked ? [...form.findAgents, q.name] : form.findAgents.filter((n) => n !== q.name) })
                      }
                      data-testid={`find-${q.name}`}
                    />
                    {t("capacity.form.find")}
                  </label>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="row">
          <label>
            {t("capacity.form.aht")}
            <input type="number" min="1" value={form.aht} onChange={(e) => change({ aht: e.target.value })} data-testid="aht" />
          </label>
          <label>
            {t("capacity.form.ahtDist")}
            <select value={form.ahtDist} onChange={(e) => change({ ahtDist: e.target.value as LoadForm["ahtDist"] })} data-testid="aht-dist">
              {(["exp", "lognormal", "fixed"] as const).map((d) => (
                <option key={d} value={d}>
                  {t(`capacity.dist.${d}`)}
                </option>
              ))}
            </select>
          </label>
          {form.ahtDist === "lognormal" && (
            <label>
              {t("capacity.form.cv")}
              <input type="number" step="0.1" min="0.1" value={form.ahtCv} onChange={(e) => change({ ahtCv: e.target.value })} data-testid="aht-cv" />
            </label>
          )}
          <label>
            {t("capacity.form.patience")}
            <input type="number" min="1" value={form.patience} disabled={form.patienceDist === "none"} onChange={(e) => change({ patience: e.target.value })} data-testid="patience" />
          </label>
          <label>
            {t("capacity.form.patienceDist")}
            <select value={form.patienceDist} onChange={(e) => change({ patienceDist: e.target.value as LoadForm["patienceDist"] })} data-testid="patience-dist">
              {(["exp", "fixed", "none"] as const).map((d) => (
                <option key={d} value={d}>
                  {t(`capacity.dist.${d}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("capacity.form.target")}
            <input value={form.target} placeholder="80/20" onChange={(e) => change({ target: e.target.value })} data-testid="target" />
          </label>
        </div>
      </section>

      <section>
        <h3>{t("capacity.form.callers")}</h3>
        <p className="muted small">{t("capacity.form.callersHelp")}</p>
        <div className="row">
          <input type="file" accept=".yaml,.yml,.json" aria-label={t("capacity.form.callersFile")} onChange={(e) => readInto(e.target.files?.[0], (callers) => change({ callers }))} data-testid="callers-file" />
          <button type="button" className="ghost small" onClick={() => change({ callers: EXAMPLE_CALLERS })} data-testid="example-callers">
            {t("capacity.form.exampleCallers")}
          </button>
          <button type="button" className="ghost small" onClick={() => change({ callers: "" })}>
            {t("capacity.form.silentCallers")}
          </button>
        </div>
        <textarea className="mono" rows={8} value={form.callers} placeholder={t("capacity.form.silent")} onChange={(e) => change({ callers: e.target.value })} data-testid="callers" />
      </section>

      <section>
        <h3>{t("capacity.form.run")}</h3>
        <div className="row">
          <label>
            {t("capacity.form.version")}
            <select value={sideValue(form.version)} onChange={(e) => change({ version: sideOf(e.target.value) })} data-testid="version">
              {sides}
            </select>
          </label>
          <label>
            {t("capacity.form.compare")}
            <select value={sideValue(form.compareWith)} onChange={(e) => change({ compareWith: e.target.value ? sideOf(e.target.value) : null })} data-testid="compare-with">
              <option value="">{t("capacity.form.noCompare")}</option>
              {sides}
            </select>
          </label>
          <label>
            {t("capacity.form.seed")}
            <input type="number" min="0" value={form.seed} onChange={(e) => change({ seed: e.target.value })} data-testid="seed" />
          </label>
        </div>
        {form.compareWith !== null && form.findAgents.length > 0 && <p className="muted small">{t("capacity.form.compareNotFind")}</p>}
      </section>
    </fieldset>
  );
}
