// Dates and times shown in the user's interface language, in the tenant's time zone (a call centre's staff and its
// reports count days and hours there, wherever the browser is).
import i18n from "./i18n";
import { useSession } from "./store/session";

export function when(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return date.toLocaleString(i18n.language, { dateStyle: "medium", timeStyle: "short", timeZone });
  } catch {
    return date.toLocaleString(i18n.language, { dateStyle: "medium", timeStyle: "short" }); // a zone the browser lacks
  }
}

/** `when` in the logged-in tenant's time zone (the page shows it again once the zone is known). */
export function useWhen(): (iso: string | null | undefined) => string {
  const timeZone = useSession((s) => s.timeZone);
  return (iso) => when(iso, timeZone);
}
