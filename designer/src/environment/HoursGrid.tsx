// A schedule's working hours as a weekly grid of half hours: drag across cells to open or close them.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { DAYS, SLOTS, type Week } from "./hours";

export function HoursGrid({ week, onChange, readOnly }: { week: Week; onChange: (week: Week) => void; readOnly: boolean }) {
  const { t } = useTranslation();
  const [painting, setPainting] = useState<boolean | null>(null);
  const paint = (day: number, slot: number, value: boolean) => {
    if (week[day][slot] === value) return;
    onChange(week.map((slots, d) => (d === day ? slots.map((v, s) => (s === slot ? value : v)) : slots)));
  };
  return (
    <div className="hours-grid" onMouseLeave={() => setPainting(null)} onMouseUp={() => setPainting(null)}>
      <div className="hours-row hours-header">
        <span />
        {Array.from({ length: 24 }, (_, h) => (
          <span key={h} className="hour-label">
            {h}
          </span>
        ))}
      </div>
      {DAYS.map((day, d) => (
        <div key={day} className="hours-row" data-day={day}>
          <span className="day-label">{t(`day.${day}`)}</span>
          {Array.from({ length: SLOTS }, (_, s) => (
            <span
              key={s}
              className={`slot ${week[d][s] ? "open" : ""}`}
              onMouseDown={() => {
                if (readOnly) return;
                setPainting(!week[d][s]);
                paint(d, s, !week[d][s]);
              }}
              onMouseEnter={() => painting !== null && paint(d, s, painting)}
            />
          ))}
        </div>
      ))}
    </div>
  );
}
