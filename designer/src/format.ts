// Dates and times shown in the user's interface language.
import i18n from "./i18n";

export function when(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(i18n.language, { dateStyle: "medium", timeStyle: "short" });
}
