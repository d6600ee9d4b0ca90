// The capacity page's form and the body of `POST /api/flows/{name}/load` it becomes (docs/capacity.md, "From the
// flow service"). The service checks every field and names the one it refuses; the page only shapes them.
import { parse as parseYaml } from "yaml";
import type { Json } from "../model/types";

export type Side = "draft" | number;

export interface LoadForm {
  version: Side;
  compareWith: Side | null;
  arrivals: "rate" | "profile";
  callsPerHour: string;
  /** A profile's CSV text (`start,calls` rows). */
  profile: string;
  duration: string;
  /** A local date-time (`2026-11-23T09:00`), placed in the environment's time zone by the service. */
  start: string;
  interval: string;
  /** Agents per queue, as typed: a count, or one per interval separated by commas (`10, 12, 14`); queues left
   * empty are not sent. */
  agents: Record<string, string>;
  aht: string;
  ahtDist: "exp" | "lognormal" | "fixed";
  ahtCv: string;
  patience: string;
  patienceDist: "exp" | "fixed" | "none";
  /** The caller mix as YAML (the `callflow load --callers` file's form); empty: every caller silent. */
  callers: string;
  seed: string;
  target: string;
  findAgents: string[];
}

export const emptyForm = (callers: string): LoadForm => ({
  version: "draft",
  compareWith: null,
  arrivals: "rate",
  callsPerHour: "120",
  profile: "",
  duration: "1h",
  start: "",
  interval: "",
  agents: {},
  aht: "240",
  ahtDist: "exp",
  ahtCv: "0.6",
  patience: "120",
  patienceDist: "exp",
  callers,
  seed: "1",
  target: "80/20",
  findAgents: [],
});

/** A field the page refuses before sending, with the key of its message. */
export class FormError extends Error {
  constructor(
    readonly field: string,
    readonly key: string,
    readonly detail = "",
  ) {
    super(`${field}: ${key} ${detail}`);
  }
}

const number = (text: string, field: string): number => {
  const value = Number(text.trim());
  if (!text.trim() || !Number.isFinite(value)) throw new FormError(field, "capacity.error.number");
  return value;
};

/** The caller mix as the service takes it (JSON), from its YAML text. */
export function callersFromYaml(text: string): Record<string, Json> | null {
  if (!text.trim()) return null;
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new FormError("callers", "capacity.error.yaml", e instanceof Error ? e.message.split("\n")[0] : String(e));
  }
  if (data === null || data === undefined) return null;
  if (typeof data !== "object" || Array.isArray(data)) throw new FormError("callers", "capacity.error.mix");
  return data as Record<string, Json>;
}

/** The request body a form asks for. */
export function loadBody(form: LoadForm): Record<string, Json> {
  const body: Record<string, Json> = { version: form.version };
  if (form.compareWith !== null) body.compare_with = form.compareWith;
  if (form.arrivals === "rate") body.calls_per_hour = number(form.callsPerHour, "calls_per_hour");
  else if (form.profile.trim()) body.arrivals = form.profile;
  else throw new FormError("arrivals", "capacity.error.profile");
  if (form.duration.trim()) body.duration = form.duration.trim();
  if (form.start.trim()) body.start = form.start.trim();
  if (form.interval.trim()) body.interval = form.interval.trim();
  const agents: Record<string, Json> = {};
  for (const [queue, typed] of Object.entries(form.agents)) {
    if (!typed.trim()) continue;
    const counts = typed.split(",").map((count) => number(count, `agents of ${queue}`));
    agents[queue] = counts.length === 1 ? counts[0] : counts;
  }
  body.agents = agents;
  body.aht = number(form.aht, "aht");
  body.aht_dist = form.ahtDist === "lognormal" ? `lognormal:${form.ahtCv.trim()}` : form.ahtDist;
  body.patience_dist = form.patienceDist;
  if (form.patienceDist !== "none") body.patience = number(form.patience, "patience");
  const callers = callersFromYaml(form.callers);
  if (callers) body.callers = callers;
  if (form.seed.trim()) body.seed = number(form.seed, "seed");
  if (form.target.trim()) body.target = form.target.trim();
  if (form.findAgents.length && form.compareWith === null) body.find_agents = form.findAgents;
  return body;
}
