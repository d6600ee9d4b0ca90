// The flow's capacity runs the service still keeps (its newest jobs), newest first; the one shown is marked.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { Job } from "../model/capacity";

/** `refresh`: changes whenever the list may have changed (a run started or ended). */
export function RecentRuns({ name, current, refresh }: { name: string; current?: string; refresh: string }) {
  const { t } = useTranslation();
  const [jobs, setJobs] = useState<Job[]>([]);
  useEffect(() => {
    let cancelled = false;
    api.jobs().then(
      (answer) => !cancelled && setJobs(answer.jobs.filter((job) => job.flow === name)),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [name, refresh]);
  if (!jobs.length) return null;
  return (
    <section className="recent-runs" data-testid="recent-runs">
      <h3>{t("capacity.recent")}</h3>
      <ul>
        {jobs.map((job) => (
          <li key={job.id} className={job.id === current ? "current" : ""} data-job={job.id}>
            <a href={`#/flows/${encodeURIComponent(name)}/capacity/${encodeURIComponent(job.id)}`}>
              {new Date(job.created_at * 1000).toLocaleString()}
            </a>{" "}
            <span className="muted">
              {job.owner} · {t(`capacity.status.${job.status}`)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
