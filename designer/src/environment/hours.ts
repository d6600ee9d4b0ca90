// Working hours as callflow.toml writes them (`mon-fri = "09:00-17:30"`) to and from a weekly grid of half hours.
export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const SLOTS = 48;

export type Week = boolean[][];

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.trim().split(":").map(Number);
  return h * 60 + (m || 0);
};
const hhmm = (slot: number) => `${String(Math.floor(slot / 2)).padStart(2, "0")}:${slot % 2 ? "30" : "00"}`;

function daysOf(key: string): number[] {
  const [first, last] = key.split("-").map((d) => DAYS.indexOf(d.trim() as (typeof DAYS)[number]));
  if (first < 0) return [];
  if (last === undefined || last < 0) return [first];
  const days = [];
  for (let d = first; ; d = (d + 1) % 7) {
    days.push(d);
    if (d === last) break;
  }
  return days;
}

export function weekOf(hours: Record<string, string>): Week {
  const week: Week = DAYS.map(() => Array<boolean>(SLOTS).fill(false));
  for (const [key, value] of Object.entries(hours)) {
    for (const range of String(value).split(",")) {
      const [start, end] = range.split("-");
      if (!end) continue;
      const [from, to] = [Math.floor(minutes(start) / 30), Math.ceil(minutes(end) / 30)];
      for (const day of daysOf(key)) for (let s = from; s < to && s < SLOTS; s++) week[day][s] = true;
    }
  }
  return week;
}

function rangesOf(slots: boolean[]): string {
  const ranges = [];
  for (let s = 0; s < SLOTS; s++) {
    if (!slots[s] || (s > 0 && slots[s - 1])) continue;
    let e = s;
    while (e < SLOTS && slots[e]) e++;
    ranges.push(`${hhmm(s)}-${e === SLOTS ? "24:00" : hhmm(e)}`);
  }
  return ranges.join(", ");
}

/** The week back as callflow.toml entries, runs of days with the same hours written as `mon-fri`. */
export function hoursOf(week: Week): Record<string, string> {
  const hours: Record<string, string> = {};
  let d = 0;
  while (d < 7) {
    const text = rangesOf(week[d]);
    let e = d;
    while (e + 1 < 7 && rangesOf(week[e + 1]) === text) e++;
    if (text) hours[e === d ? DAYS[d] : `${DAYS[d]}-${DAYS[e]}`] = text;
    d = e + 1;
  }
  return hours;
}

/** Holidays as dates (YYYY-MM-DD), from and back to entries that may be ranges `2026-10-01..2026-10-07`. */
export function holidayDates(entries: string[]): Set<string> {
  const dates = new Set<string>();
  for (const entry of entries) {
    const [start, end] = entry.split("..");
    const day = new Date(`${start}T00:00:00Z`);
    const last = new Date(`${end ?? start}T00:00:00Z`);
    while (day <= last) {
      dates.add(day.toISOString().slice(0, 10));
      day.setUTCDate(day.getUTCDate() + 1);
    }
  }
  return dates;
}

export function holidayEntries(dates: Set<string>): string[] {
  const sorted = [...dates].sort();
  const entries: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    const next = (date: string) => {
      const d = new Date(`${date}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + 1);
      return d.toISOString().slice(0, 10);
    };
    while (j + 1 < sorted.length && sorted[j + 1] === next(sorted[j])) j++;
    entries.push(i === j ? sorted[i] : `${sorted[i]}..${sorted[j]}`);
    i = j + 1;
  }
  return entries;
}
