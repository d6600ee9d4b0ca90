"""What reports and record lists are asked for (a period of local days) and how they are written: JSON, CSV, a text
table; caller numbers masked for those who may not see them."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from callflow.runtime.store.call_reads import PERIODS, Scope

DEFAULT_DAYS = 30
"""Without `from`, a report covers this many days up to `to` (today by default)."""

FORMATS = ("table", "csv", "json")


def today_in(timezone: str) -> date:
    """Today's date in a time zone (the tenant's environment's)."""
    return datetime.now(ZoneInfo(timezone)).date()


def scope_for(
    tenant: str,
    *,
    day_from: str | None,
    day_to: str | None,
    today: date,
    flow: str | None = None,
    version: int | None = None,
    origin: str | None = None,
) -> Scope:
    """The scope of a report: from and to are local dates (YYYY-MM-DD, both included; `from` after `to` covers no
    day); ValueError for others."""
    end = _day(day_to, "to") if day_to else today
    start = _day(day_from, "from") if day_from else end - timedelta(days=DEFAULT_DAYS - 1)
    if origin not in (None, "live", "simulated"):
        raise ValueError(f"`origin` is live or simulated, not {origin!r}")
    return Scope(tenant, start.isoformat(), end.isoformat(), flow, version, origin)


def check_by(by: str | None) -> str | None:
    """A grouping of `by` (hour, day, week, month), or ValueError."""
    if by not in PERIODS:
        raise ValueError(f"`by` is one of hour, day, week, month, not {by!r}")
    return by


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"`{name}` is a date such as 2026-11-01, not {text!r}") from None


def mask_number(number: str) -> str:
    """A caller's number with all but its last four digits hidden."""
    keep = 4 if len(number) > 6 else max(len(number) - 3, 0)
    return "*" * (len(number) - keep) + number[len(number) - keep :] if number else number


def masked_call(record: dict[str, Any]) -> dict[str, Any]:
    """A call record with its caller's number masked (in its start event too)."""
    shown = {**record, "caller": mask_number(str(record.get("caller") or ""))}
    if "events" in shown:
        shown["events"] = [
            {**e, "caller": mask_number(str(e["caller"]))} if e.get("event") == "start" and "caller" in e else e
            for e in shown["events"]
        ]
    return shown


def as_csv(answer: dict[str, Any]) -> str:
    """A report's rows as CSV, a header line first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = answer["columns"]
    writer.writerow(columns)
    for row in answer["rows"]:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return out.getvalue()


def as_table(answer: dict[str, Any]) -> str:
    """A report as text: its rows as aligned columns, then its summary."""
    columns = [c for c in answer["columns"] if c != "period" or answer.get("by")]
    from callflow.runtime.capacity.table import grid  # the capacity package loads the engine: only when printing

    lines = grid(columns, ([_cell(row.get(c)) for c in columns] for row in answer["rows"]), indent="")
    if not answer["rows"]:
        lines.append("(no calls in this period)")
    summary = answer.get("summary") or {}
    if summary:
        lines.append("")
        lines.extend(f"{name}: {_cell(value)}" for name, value in summary.items())
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
