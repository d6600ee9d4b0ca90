// How the capacity page writes a figure: shares as percentages, seconds with a unit, nothing as a dash.
export const percent = (share: number | null | undefined, digits = 1) =>
  share === null || share === undefined ? "—" : `${(share * 100).toFixed(digits)} %`;

export const seconds = (value: number | null | undefined) =>
  value === null || value === undefined ? "—" : `${value.toFixed(1)} s`;

export const count = (value: number | null | undefined) => (value === null || value === undefined ? "—" : String(value));

/** A difference with its sign (`+3`, `−0.8 %`); nothing as a dash. */
export function signed(value: number | null | undefined, as: (v: number) => string = String) {
  if (value === null || value === undefined) return "—";
  if (value === 0) return as(0);
  return value > 0 ? `+${as(value)}` : `−${as(-value)}`;
}

/** An interval's start as the page shows it: the time of day, with the date when the run spans several days. */
export const timeOf = (iso: string) => iso.slice(11, 16) || iso;
