// The job's report page (runtime/capacity/report.py: SVG charts drawn by matplotlib, no script) shown in the page.
// Its HTML is fetched with the session and put in a sandboxed frame's `srcdoc`: no scripts, no same origin, so
// the report can reach nothing of the designer's, and the designer's Content Security Policy stays as it is.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";

export function ReportFrame({ job }: { job: string }) {
  const { t } = useTranslation();
  const [html, setHtml] = useState<string | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    let cancelled = false;
    api.jobReport(job).then(
      (text) => !cancelled && setHtml(text),
      (e) => !cancelled && setError(e instanceof ApiError ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [job]);
  if (error) return <p className="error">{error}</p>;
  if (html === null) return <p className="muted">{t("loading")}</p>;
  return <iframe className="report-frame" sandbox="" srcDoc={html} title={t("capacity.report")} data-testid="report-frame" />;
}
