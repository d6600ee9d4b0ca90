// A flow's capacity simulation (docs/capacity.md): the run asked for in a form, followed while it runs (progress,
// cancel), then its figures, its report's charts and its traffic for the canvas. Editors start and cancel runs;
// viewers read them (the service allows the same).
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import { EXAMPLE_CALLERS, EXAMPLE_FLOW } from "../capacity/examples";
import { JobProgress } from "../capacity/JobProgress";
import { LoadFormView, type QueueChoice } from "../capacity/LoadFormView";
import { LoadResults } from "../capacity/LoadResults";
import { RecentRuns } from "../capacity/RecentRuns";
import { emptyForm, FormError, loadBody, type LoadForm } from "../capacity/request";
import "../capacity/capacity.css";
import type { Job } from "../model/capacity";
import type { FlowGraph, Json, NodeTypeInfo } from "../model/types";
import { go } from "../route";
import { canEdit, useSession } from "../store/session";

/** How often a running job is asked for its progress. */
const POLL_MS = 500;
const DEFAULT_AGENTS = "5";

/** The queues the flow's own nodes wait in: parameters the node types mark as queue references. */
function queuesOf(flow: FlowGraph, types: NodeTypeInfo[]): Set<string> {
  const byType = new Map(types.map((info) => [info.type, info]));
  const found = new Set<string>();
  for (const node of flow.nodes) {
    const properties = (byType.get(node.type)?.params_schema.properties ?? {}) as Record<string, Record<string, Json>>;
    for (const [param, schema] of Object.entries(properties)) {
      const value = node.params?.[param];
      if (schema["x-callflow-ref"] === "queue" && typeof value === "string") found.add(value);
    }
  }
  return found;
}

const message = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

export function CapacityPage({ name, job: jobId }: { name: string; job?: string }) {
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const editable = canEdit(user);
  const [form, setForm] = useState<LoadForm | null>(null);
  const [queues, setQueues] = useState<QueueChoice[]>([]);
  const [versions, setVersions] = useState<number[]>([]);
  const [title, setTitle] = useState(name);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState("");
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    let cancelled = false;
    Promise.all([api.flow(name), api.nodes(), api.environment(), api.versions(name).catch(() => ({ versions: [] }))]).then(
      ([flow, { nodes }, { env }, listed]) => {
        if (cancelled) return;
        const used = queuesOf(flow.graph, nodes);
        const table = (env.queues ?? {}) as Record<string, Record<string, Json>>;
        const names = [...used].concat(Object.keys(table).filter((q) => !used.has(q)));
        setQueues(names.map((q) => ({ name: q, description: String(table[q]?.description ?? ""), used: used.has(q) })));
        setVersions(listed.versions.map((v) => v.version).sort((a, b) => b - a));
        setTitle(flow.graph.title || name);
        const initial = emptyForm(name === EXAMPLE_FLOW ? EXAMPLE_CALLERS : "");
        initial.agents = Object.fromEntries([...used].map((q) => [q, DEFAULT_AGENTS]));
        setForm(initial);
      },
      (e) => !cancelled && setError(message(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [name]);

  // Follow the job the address names until it is done, failed or cancelled.
  useEffect(() => {
    setJob(null);
    if (!jobId) return;
    let stopped = false;
    let timer: number | undefined;
    const poll = () =>
      api.job(jobId).then(
        (answer) => {
          if (stopped) return;
          setJob(answer);
          if (answer.status === "queued" || answer.status === "running") timer = window.setTimeout(poll, POLL_MS);
        },
        (e) => !stopped && setError(message(e)),
      );
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [jobId]);

  const change = useCallback((next: Partial<LoadForm>) => setForm((current) => (current ? { ...current, ...next } : current)), []);

  const start = async () => {
    if (!form) return;
    setError("");
    let body: Record<string, Json>;
    try {
      body = loadBody(form);
    } catch (e) {
      setError(e instanceof FormError ? `${t(e.key, { field: e.field })} ${e.detail}`.trim() : message(e));
      return;
    }
    setStarting(true);
    try {
      const started = await api.startLoad(name, body);
      go(`/flows/${encodeURIComponent(name)}/capacity/${encodeURIComponent(started.id)}`);
    } catch (e) {
      setError(message(e));
    } finally {
      setStarting(false);
    }
  };

  const cancel = async () => {
    if (!job) return;
    try {
      await api.cancelJob(job.id);
      setJob(await api.job(job.id));
    } catch (e) {
      setError(message(e));
    }
  };

  const running = !!job && (job.status === "queued" || job.status === "running");
  const back = useMemo(() => `#/flows/${encodeURIComponent(name)}`, [name]);
  return (
    <div className="capacity" data-testid="capacity">
      <div className="list-head">
        <a href={back} className="ghost back" aria-label={t("nav.flows")}>
          ←
        </a>
        <h1>
          {t("capacity.title")} <span className="muted">{title}</span>
        </h1>
      </div>
      <p className="muted">{t("capacity.intro")}</p>
      {!editable && <p className="note" data-testid="viewer-note">{t("capacity.viewerNote")}</p>}
      <RecentRuns name={name} current={jobId} refresh={`${jobId ?? ""}:${job?.status ?? ""}`} />
      {form ? (
        <LoadFormView form={form} change={change} queues={queues} versions={versions} readOnly={!editable || running} />
      ) : (
        !error && <p className="muted">{t("loading")}</p>
      )}
      {editable && form && (
        <div className="row actions">
          <button type="button" className="primary" onClick={() => void start()} disabled={starting || running} data-testid="start-run">
            {starting ? t("capacity.starting") : t("capacity.start")}
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert" data-testid="capacity-error">
          {error}
        </p>
      )}
      {job && (
        <section className="job" data-testid="job" data-job={job.id} data-status={job.status}>
          <h2>
            {t("capacity.run")} <span className="mono muted">{job.id}</span>{" "}
            <span className="muted small">{t("capacity.by", { owner: job.owner, when: new Date(job.created_at * 1000).toLocaleString() })}</span>
          </h2>
          {running && <JobProgress job={job} onCancel={editable ? () => void cancel() : null} />}
          {job.status === "failed" && (
            <p className="error" role="alert" data-testid="job-error">
              {job.error}
            </p>
          )}
          {job.status === "cancelled" && <p className="muted" data-testid="job-cancelled">{t("capacity.status.cancelled")}</p>}
          {job.status === "done" && (
            <LoadResults
              name={name}
              job={job}
              onAdopt={
                editable
                  ? (agents) => {
                      setForm((current) => (current ? { ...current, agents: { ...current.agents, ...agents }, findAgents: [] } : current));
                      document.querySelector("[data-testid=load-form]")?.scrollIntoView();
                    }
                  : null
              }
            />
          )}
        </section>
      )}
    </div>
  );
}
