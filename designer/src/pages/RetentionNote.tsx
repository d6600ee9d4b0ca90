// How long the tenant's records are kept, when the service prunes them next and what its last prune removed
// (`GET /api/records/retention`), in the tenant's time zone; below the dashboard's figures.
import { useTranslation } from "react-i18next";
import { when } from "../format";
import type { RecordsRetention } from "../model/records";

export function RetentionNote({ retention }: { retention: RecordsRetention }) {
  const { t, i18n } = useTranslation();
  const zone = retention.time_zone;
  const moment = (iso: string) => when(iso, zone);
  const day = (iso: string) => new Date(`${iso}T12:00:00`).toLocaleDateString(i18n.language, { dateStyle: "medium" });
  const last = retention.last_prune;
  return (
    <section className="retention" data-testid="dashboard-retention" data-days={retention.days ?? "forever"}>
      <h2>{t("dashboard.retention.title")}</h2>
      <p>
        {retention.days === null ? t("dashboard.retention.forever") : t("dashboard.retention.kept", { count: retention.days })}{" "}
        {retention.schedule === null ? (
          <span data-testid="retention-next">{t("dashboard.retention.noSchedule")}</span>
        ) : (
          retention.next_prune && (
            <span data-testid="retention-next">{t("dashboard.retention.next", { when: moment(retention.next_prune), zone })}</span>
          )
        )}
      </p>
      <p className="muted" data-testid="retention-last">
        {last
          ? t("dashboard.retention.last", {
              when: moment(last.at),
              before: day(last.before),
              calls: last.calls.toLocaleString(i18n.language),
              messages: last.messages.toLocaleString(i18n.language),
              files: last.files.toLocaleString(i18n.language),
            })
          : t("dashboard.retention.never")}
      </p>
    </section>
  );
}
