// A capacity job while it is queued or running: a progress bar, the calls ended so far, and cancel (editors).
import { useTranslation } from "react-i18next";
import type { Job } from "../model/capacity";

export function JobProgress({ job, onCancel }: { job: Job; onCancel: (() => void) | null }) {
  const { t } = useTranslation();
  const share = Math.round(job.progress * 100);
  return (
    <div className="job-progress" data-testid="job-progress" data-status={job.status} data-progress={share}>
      <span>{t(`capacity.status.${job.status}`)}</span>
      <progress max={100} value={job.status === "queued" ? undefined : share} aria-label={t("capacity.progress")} data-testid="progress-bar" />
      <span className="mono">{share} %</span>
      <span className="muted" data-testid="progress-calls">
        {t("capacity.callsEnded", { count: job.calls })}
      </span>
      {onCancel && (
        <button type="button" className="ghost danger" onClick={onCancel} data-testid="cancel-run">
          {t("capacity.cancel")}
        </button>
      )}
    </div>
  );
}
