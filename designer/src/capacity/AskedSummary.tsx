// What a run was asked (the result's `asked`, runtime/capacity/spec.py): the day, the calls expected, agents and
// handling per queue, patience, target and seed; so a run opened from the list says what it was, whatever the form
// now holds.
import { useTranslation } from "react-i18next";
import type { LoadResult } from "../model/capacity";
import type { Json } from "../model/types";

type Asked = Record<string, Json>;
const record = (value: Json | undefined): Asked => (value && typeof value === "object" && !Array.isArray(value) ? value : {});

function distribution(value: Json | undefined) {
  const d = record(value);
  return d.shape === "none" ? "—" : `${d.shape} ${typeof d.mean_s === "number" ? `${d.mean_s} s` : ""}`.trim();
}

export function AskedSummary({ result }: { result: LoadResult }) {
  const { t } = useTranslation();
  const asked = result.asked;
  const arrivals = record(asked.arrivals);
  const target = record(asked.target);
  const queues = Object.entries(record(asked.queues)).map(([name, value]) => {
    const queue = record(value);
    const agents = Array.isArray(queue.agents) ? queue.agents.join(", ") : String(queue.agents ?? "");
    return `${name}: ${agents} (${distribution(queue.handling)})`;
  });
  return (
    <p className="muted small asked" data-testid="asked">
      {t("capacity.asked.day", {
        start: String(arrivals.start ?? result.start).slice(0, 16).replace("T", " "),
        expected: Math.round(Number(arrivals.expected ?? 0)),
        zone: String(asked.timezone ?? ""),
      })}{" "}
      · {t("capacity.asked.agents")} {queues.join("; ")} · {t("capacity.asked.patience")} {distribution(asked.patience)} ·{" "}
      {t("capacity.asked.target", { percent: target.percent ?? "", seconds: target.seconds ?? "" })} · {t("capacity.asked.seed", { seed: String(asked.seed ?? "") })}
    </p>
  );
}
