// A schedule's holidays on a calendar of the coming twelve months: click a day to add or remove it.
import { useTranslation } from "react-i18next";

export function HolidayCalendar({ dates, onToggle, readOnly }: { dates: Set<string>; onToggle: (date: string) => void; readOnly: boolean }) {
  const { i18n } = useTranslation();
  const today = new Date();
  const months = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(today.getFullYear(), today.getMonth() + i, 1)));
  return (
    <div className="calendar">
      {months.map((month) => {
        const first = (month.getUTCDay() + 6) % 7;
        const days = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 0)).getUTCDate();
        return (
          <div key={month.toISOString()} className="month">
            <div className="month-title">{month.toLocaleDateString(i18n.language, { year: "numeric", month: "long", timeZone: "UTC" })}</div>
            <div className="month-days">
              {Array.from({ length: first }, (_, i) => (
                <span key={`pad-${i}`} />
              ))}
              {Array.from({ length: days }, (_, i) => {
                const date = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), i + 1)).toISOString().slice(0, 10);
                return (
                  <button
                    type="button"
                    key={date}
                    className={`day ${dates.has(date) ? "holiday" : ""}`}
                    disabled={readOnly}
                    onClick={() => onToggle(date)}
                    title={date}
                  >
                    {i + 1}
                  </button>
                );
              })}
            </div>
          </div>
        );
      })}
    </div>
  );
}
