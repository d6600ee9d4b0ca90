"""When calls arrive: Poisson at a rate, or a per-interval profile (calls per 15 or 30 minutes, as workforce tools
forecast them), each interval a Poisson process at its own rate."""

from __future__ import annotations

import csv
import math
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from callflow.flowlang.errors import FlowError


class ArrivalsError(FlowError):
    """A profile or a duration that cannot be read."""


@dataclass(frozen=True)
class Arrivals:
    """Calls expected per interval from a moment on: a Poisson process whose rate is constant within an interval."""

    start: datetime
    interval_s: float
    calls: tuple[float, ...]
    """Calls expected in each interval."""

    @property
    def duration_s(self) -> float:
        """How long calls arrive for."""
        return self.interval_s * len(self.calls)

    @property
    def expected(self) -> float:
        """Calls expected in all."""
        return sum(self.calls)

    def times(self, rng: random.Random) -> Iterator[float]:
        """Arrival moments in seconds from the start, in order (drawn one by one: nothing is kept)."""
        interval_s = self.interval_s
        for index, calls in enumerate(self.calls):
            begin = index * interval_s
            end = begin + interval_s
            if calls <= 0:
                continue
            rate = calls / interval_s
            t = begin + rng.expovariate(rate)
            while t < end:
                yield t
                t += rng.expovariate(rate)

    def to_json(self) -> dict[str, object]:
        """The arrivals as JSON."""
        return {
            "start": self.start.isoformat(),
            "interval_s": self.interval_s,
            "calls": list(self.calls),
            "expected": round(self.expected, 3),
        }


def poisson(start: datetime, calls_per_hour: float, duration_s: float, interval_s: float = 1800.0) -> Arrivals:
    """Calls at a constant rate for a while."""
    if not calls_per_hour > 0 or math.isinf(calls_per_hour):
        raise ArrivalsError(f"calls per hour must be a positive number, not {calls_per_hour:g}")
    count = max(1, math.ceil(duration_s / interval_s - 1e-9))
    interval = duration_s / count
    return Arrivals(start, interval, tuple(calls_per_hour * interval / 3600 for _ in range(count)))


_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?:in)?)?(?:(\d+(?:\.\d+)?)s)?")


def parse_duration(text: str) -> float:
    """Seconds from `8h`, `90m`, `1h30m`, `45s` or a plain number of seconds."""
    value = text.strip().lower()
    try:
        seconds = float(value)
    except ValueError:
        match = _DURATION.fullmatch(value)
        if not value or match is None or not any(match.groups()):
            raise ArrivalsError(f"`{text}` is not a duration; write it as 8h, 90m, 1h30m, 45s or seconds") from None
        hours, minutes, secs = (float(g) if g else 0.0 for g in match.groups())
        seconds = hours * 3600 + minutes * 60 + secs
    if not seconds > 0 or math.isinf(seconds):
        raise ArrivalsError(f"`{text}`: a duration must be above zero")
    return seconds


_TIME_COLUMNS = ("start", "interval", "time", "from", "begin")
_CALLS_COLUMNS = ("calls", "volume", "offered", "arrivals", "count")


def read_profile(path: Path, day: date | None, zone: ZoneInfo) -> Arrivals:
    """A profile file: one row per interval, its start (`09:00`, or an ISO date-time) and the calls expected in it.

    Rows at times of day are placed on `day`; rows with dates are placed where they say. The rows must be evenly
    spaced (15 or 30 minutes, as workforce tools use, or any other step), in order, with no gaps."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ArrivalsError(f"{path}: cannot read the profile: {error}") from None
    return profile_from_csv(text, str(path), day, zone)


def profile_from_csv(text: str, file: str, day: date | None, zone: ZoneInfo) -> Arrivals:
    """A profile from CSV text (`file` names it in errors), with or without a header."""
    rows = [(number, row) for number, row in enumerate(csv.reader(text.splitlines()), start=1) if any(row)]
    if not rows:
        raise ArrivalsError(f"{file}: the profile is empty; write one row per interval: start,calls")
    time_column, calls_column = 0, 1
    header = [cell.strip().lower() for cell in rows[0][1]]
    if not _is_number(header[1] if len(header) > 1 else ""):
        time_column = next((i for i, name in enumerate(header) if name in _TIME_COLUMNS), -1)
        calls_column = next((i for i, name in enumerate(header) if name in _CALLS_COLUMNS), -1)
        if time_column < 0 or calls_column < 0:
            raise ArrivalsError(
                f"{file}:1: the header needs a time column ({', '.join(_TIME_COLUMNS)}) and a calls column "
                f"({', '.join(_CALLS_COLUMNS)}); found {', '.join(header) or 'nothing'}"
            )
        rows = rows[1:]
    cells = []
    for number, row in rows:
        if len(row) <= max(time_column, calls_column):
            raise ArrivalsError(f"{file}:{number}: expected a start and a number of calls, found {','.join(row)!r}")
        cells.append((f"{file}:{number}", row[time_column].strip(), row[calls_column].strip()))
    if not cells:
        raise ArrivalsError(f"{file}: the profile has a header but no intervals")
    return profile_from_rows(cells, day, zone)


def profile_from_rows(rows: Sequence[tuple[str, str, object]], day: date | None, zone: ZoneInfo) -> Arrivals:
    """A profile from rows of (where, start, calls): `where` names the row in errors."""
    if not rows:
        raise ArrivalsError("a profile needs at least one interval")
    moments = [_moment(start, day, zone, where) for where, start, _ in rows]
    calls = [_calls(str(count), where) for where, _, count in rows]
    step = (moments[1] - moments[0]).total_seconds() if len(moments) > 1 else 1800.0
    for (where, _, _), before, after in zip(rows[1:], moments, moments[1:], strict=False):
        if (after - before).total_seconds() != step or step <= 0:
            raise ArrivalsError(
                f"{where}: {after:%H:%M} does not follow {before:%H:%M} by {step / 60:g} minutes as the "
                "first rows do; keep the intervals even and in order"
            )
    return Arrivals(moments[0], step, tuple(calls))


def _moment(text: str, day: date | None, zone: ZoneInfo, where: str) -> datetime:
    if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", text):
        hours, minutes, seconds = (int(part) for part in (text + ":0").split(":")[:3])
        if hours > 23 or minutes > 59 or seconds > 59:
            raise ArrivalsError(f"{where}: {text!r} is not a time of day")
        start = day or datetime.now(zone).date()
        return datetime.combine(start, time(hours, minutes, seconds), zone)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ArrivalsError(f"{where}: {text!r} is not a time (09:30) or an ISO date-time (2026-11-23T09:30)") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _calls(text: str, where: str) -> float:
    if not _is_number(text) or float(text) < 0:
        raise ArrivalsError(f"{where}: {text!r} is not a number of calls")
    return float(text)


def _is_number(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return math.isfinite(value)


def at_offset(start: datetime, seconds: float) -> datetime:
    """The moment some seconds after the start."""
    return start + timedelta(seconds=seconds)
